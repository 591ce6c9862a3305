package main

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"haven/web/webtest"
)

// TestCrisisButtonToCounselorInBrowser runs the crisis path of the demo
// (portal demo, through run) in two Chromium tabs: Jordan Lee, the on-call
// crisis counselor, on a desktop with the console open, and Maya, a patient
// on a phone. Maya presses the crisis button on her home page and sees the
// crisis lines (988 by call, text and chat, the emergency number) before
// the server has answered, then that a counselor has been alerted. Lee's
// console lists the request live, with its severity, source and wait (the
// click → queue row time is logged, not asserted); he takes it, and Maya's
// page names him. Both open the crisis conversation (his page names Maya,
// hers names him from her crisis request); his message reaches her page live,
// her reply reaches his, and each sees the other read their message. Lee
// then starts a video call from his console in one click, and Maya's
// crisis page shows the invitation to it.
// Neither page reloads along the
// way; the crisis page at phone width and the console pass the
// accessibility audit, and neither tab reports a CSP violation.
func TestCrisisButtonToCounselorInBrowser(t *testing.T) {
	srv, secrets, b := demoInBrowser(t)
	lee := chatTab(t, b, 1280, 900)
	maya := chatTab(t, b, 360, 740)

	// Lee opens the console first: live, on call (the demo puts him
	// there), nothing waiting.
	signInDemoUser(t, lee, srv, secrets, demoPersonNamed(t, "lee"))
	webtest.Do(t, lee, chromedp.Click(chromedp.ID("console-link")))
	webtest.WaitHeading(t, lee, "Crisis console")
	webtest.WaitJS(t, lee, `document.getElementById('live-state').textContent === 'Live updates are on.'`)
	webtest.WaitJS(t, lee, `document.getElementById('oncall-state').dataset.onCall === 'true'
		&& document.getElementById('coverage-warning').textContent === ''`)
	webtest.WaitJS(t, lee, `document.querySelector('#queue li.empty')?.textContent === 'No one is waiting. New requests appear here at once.'`)
	auditA11y(t, lee, "console before any request")
	watchQueue(t, lee)

	// Maya, on her Messages page, presses the crisis button there (the
	// home page has the same button: crisisCard).
	signInDemoUser(t, maya, srv, secrets, demoPersonNamed(t, "maya"))
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("messages-link")))
	webtest.WaitHeading(t, maya, "Messages")
	watchCrisisPress(t, maya)
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("chat-crisis-button")))

	// 1. The crisis lines show at once — the request was still being sent
	// when they appeared — then the request says a counselor was alerted.
	webtest.WaitHeading(t, maya, "Crisis help")
	webtest.WaitJS(t, maya, `window.__crisisTest.linesAt > 0`)
	if st := webtest.Eval[string](t, maya, `window.__crisisTest.statusWithLines`); st != "Alerting a crisis counselor…" {
		t.Fatalf("when the crisis lines appeared the request said %q, want it still being sent", st)
	}
	em := webtest.Eval[string](t, maya, `document.querySelector('meta[name="haven-emergency-number"]').content`)
	if em != "911" {
		t.Fatalf("the demo's emergency number is %q, want 911", em)
	}
	for sel, text := range map[string]string{
		`#call-988[href="tel:988"]`:                      "Call 988",
		`#text-988[href="sms:988"]`:                      "Text 988",
		`#chat-988[href="https://988lifeline.org/chat"]`: "Chat online at 988lifeline.org",
		`#call-emergency[href="tel:911"]`:                "Call 911",
	} {
		webtest.Do(t, maya, chromedp.WaitVisible(chromedp.CSS(sel)))
		if got := webtest.Eval[string](t, maya, `document.querySelector('`+sel+`').textContent`); got != text {
			t.Fatalf("%s reads %q, want %q", sel, got, text)
		}
	}
	webtest.WaitJS(t, maya, `document.getElementById('crisis-status').dataset.status === 'alerted'
		&& document.getElementById('crisis-status').textContent === 'A crisis counselor has been alerted. Stay on this page: they will join you here.'`)
	auditA11y(t, maya, "crisis page at 360 px, counselor alerted")

	// 2. Lee's console lists the request without a reload: high severity,
	// from the crisis button, waiting.
	webtest.WaitJS(t, lee, `window.__crisisTest.rowAt > 0`)
	pressedAt := webtest.Eval[float64](t, maya, `window.__crisisTest.pressedAt`)
	rowAt := webtest.Eval[float64](t, lee, `window.__crisisTest.rowAt`)
	t.Logf("Maya's click on the crisis button → the request's row in Lee's queue: %.0f ms", rowAt-pressedAt)
	id := webtest.Eval[string](t, lee, `document.querySelector('#queue li[data-id]').dataset.id`)
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		t.Fatalf("the queue row names request %q", id)
	}
	row := `document.querySelector('#queue li[data-id="` + id + `"]')`
	webtest.WaitJS(t, lee, row+`.querySelector('.tag').textContent === 'High'
		&& `+row+`.querySelector('.list__title').textContent.includes('Crisis button (request `+id+`)')
		&& /^Waiting \d+ s$/.test(`+row+`.querySelector('.wait').textContent)`)
	if got := webtest.Eval[string](t, lee, row+`.textContent`); strings.Contains(got, "Maya") || strings.Contains(got, "Patel") {
		t.Fatalf("the queue row names the patient before anyone holds the request: %q", got)
	}
	auditA11y(t, lee, "console with a waiting request")

	// 3. Lee takes it; Maya's page says he joined, by name.
	webtest.Do(t, lee, chromedp.Click(chromedp.CSS(`#queue button[aria-label="Take request `+id+`"]`)))
	webtest.WaitJS(t, lee, `document.getElementById('console-news').textContent === 'You took request `+id+`.'`)
	webtest.WaitJS(t, lee, `document.getElementById('context-h').textContent === 'Request `+id+`: Maya Patel'`)
	webtest.WaitJS(t, lee, `/^\/chat\?conversation=\d+$/.test(document.getElementById('open-conversation')?.getAttribute('href'))`)
	auditA11y(t, lee, "console holding the request")
	webtest.WaitJS(t, maya, `document.getElementById('crisis-status').dataset.status === 'joined'
		&& document.getElementById('crisis-status').textContent === 'Jordan Lee, a crisis counselor, has joined.'`)
	webtest.Do(t, maya, chromedp.WaitVisible(chromedp.ID("crisis-conversation")))
	auditA11y(t, maya, "crisis page at 360 px, counselor joined")
	leeHref := webtest.Eval[string](t, lee, `document.getElementById('open-conversation').getAttribute('href')`)
	if mayaHref := webtest.Eval[string](t, maya, `document.getElementById('crisis-conversation').getAttribute('href')`); mayaHref != leeHref {
		t.Fatalf("Maya's conversation link is %q, Lee's %q: want the same conversation", mayaHref, leeHref)
	}

	// 4. Both open the crisis conversation; a message each way arrives live.
	webtest.Do(t, lee, chromedp.Click(chromedp.ID("open-conversation")))
	webtest.WaitJS(t, lee, `location.pathname + location.search === '`+leeHref+`'`)
	webtest.WaitHeading(t, lee, "Maya Patel")
	webtest.WaitJS(t, lee, `document.getElementById('chat-kind').textContent === 'Crisis conversation'
		&& document.getElementById('chat-empty').hidden === false`)
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("crisis-conversation")))
	webtest.WaitHeading(t, maya, "Jordan Lee")
	webtest.WaitJS(t, maya, `location.pathname + location.search === '`+leeHref+`' && document.getElementById('chat-empty').hidden === false`)
	hello, thanks := "I'm here with you, Maya.", "Thank you"
	typeAndEnter(t, lee, hello)
	webtest.WaitJS(t, maya, whoIs(hello, "Jordan Lee"))
	webtest.WaitJS(t, maya, `document.getElementById('chat-announce').textContent === 'New message from Jordan Lee: ' + `+jsString(hello))
	webtest.WaitJS(t, lee, stateIs(hello, "Read"))
	auditA11y(t, maya, "crisis conversation at 360 px")
	typeAndEnter(t, maya, thanks)
	webtest.WaitJS(t, lee, whoIs(thanks, "Maya Patel"))
	webtest.WaitJS(t, maya, stateIs(thanks, "Read"))

	// 5. One click starts a video call: Lee, back on his console, starts it
	// from the request he holds and lands in the session; Maya's crisis
	// page shows the invitation to that session.
	webtest.Do(t, lee, chromedp.NavigateBack())
	webtest.WaitHeading(t, lee, "Crisis console")
	webtest.Do(t, lee, chromedp.Click(chromedp.CSS(`#queue li[data-id="`+id+`"][data-held="you"] button`)))
	webtest.Do(t, lee, chromedp.Click(chromedp.ID("start-video")))
	webtest.WaitJS(t, lee, `/^\/video\/v[a-z2-7]{26}$/.test(location.pathname)`)
	session := webtest.Eval[string](t, lee, `location.pathname`)
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("crisis-link")))
	webtest.WaitHeading(t, maya, "Crisis help")
	webtest.WaitJS(t, maya, `!document.getElementById('video-invites').hidden
		&& !!document.querySelector('#video-invites a[href="`+session+`"]')`)

	// Neither page reloaded, and neither reported a CSP violation.
	for name, tab := range map[string]context.Context{"Maya": maya, "Lee": lee} {
		if !webtest.Eval[bool](t, tab, `!!window.__crisisTest`) {
			t.Fatalf("%s's page reloaded during the crisis", name)
		}
		if v, err := webtest.CSPViolations(tab); err != nil || len(v) > 0 {
			t.Fatalf("%s's tab: CSP violations %v (%v)", name, v, err)
		}
	}

	// Opened afresh (a reload, another tab), the crisis conversation still
	// names Maya to the counselor holding her request.
	webtest.Do(t, lee, chromedp.Navigate(srv.URL+leeHref))
	webtest.WaitHeading(t, lee, "Maya Patel")
	webtest.WaitJS(t, lee, whoIs(thanks, "Maya Patel"))
}

// watchQueue records in the console page, as window.__crisisTest.rowAt,
// when (Date.now()) a request's row first appears in the queue. The
// record lives in the page, so it also shows the page was not reloaded.
func watchQueue(t *testing.T, ctx context.Context) {
	t.Helper()
	webtest.Eval[bool](t, ctx, `(() => {
		window.__crisisTest = { rowAt: 0 };
		new MutationObserver(() => {
			if (!window.__crisisTest.rowAt && document.querySelector('#queue li[data-id]')) window.__crisisTest.rowAt = Date.now();
		}).observe(document.getElementById('queue'), { childList: true, subtree: true });
		return true;
	})()`)
}

// watchCrisisPress records in the patient's page, as window.__crisisTest,
// when (Date.now()) the crisis button is clicked (pressedAt), when the
// crisis lines first appear (linesAt) and what the request status said at
// that moment (statusWithLines).
func watchCrisisPress(t *testing.T, ctx context.Context) {
	t.Helper()
	webtest.Eval[bool](t, ctx, `(() => {
		const rec = window.__crisisTest = { pressedAt: 0, linesAt: 0, statusWithLines: '' };
		document.addEventListener('click', (e) => {
			if (!rec.pressedAt && e.target.closest('#crisis-button, #chat-crisis-button')) rec.pressedAt = Date.now();
		}, true);
		new MutationObserver(() => {
			if (!rec.linesAt && document.getElementById('call-988')) {
				rec.linesAt = Date.now();
				rec.statusWithLines = document.getElementById('crisis-status')?.textContent ?? '(no status)';
			}
		}).observe(document.getElementById('main'), { childList: true, subtree: true });
		return true;
	})()`)
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
