package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"haven/web/webtest"
)

// TestChatBetweenPatientAndClinicianInBrowsers runs secure messaging
// through the demo (portal demo, through run) in two Chromium tabs: Maya,
// a patient on a phone, and her clinician Dr. Sam Rivera on a desktop.
// Maya starts a conversation with her care team by keyboard and writes;
// Rivera's inbox shows it without a reload, he takes it, opens it and
// answers while Maya sees him typing; each sees the other's message live
// and their own turn "Read". Maya's unsent text survives a reload. Her
// connection drops: what she sends meanwhile shows "Sending…" and goes
// out once she is back, and Rivera's reply written meanwhile arrives
// through resume — both threads then hold every message once, in order. A
// message her page never receives is fetched once the next one shows the
// gap.
// An attachment the server refuses says why; a PNG goes through and Rivera
// can download it. The pages pass the accessibility audit at phone width
// and report no CSP violation.
func TestChatBetweenPatientAndClinicianInBrowsers(t *testing.T) {
	srv, secrets, b := demoInBrowser(t)
	maya := chatTab(t, b, 360, 740)
	rivera := chatTab(t, b, 1280, 900)
	signInDemoUser(t, maya, srv, secrets, demoPersonNamed(t, "maya"))
	signInDemoUser(t, rivera, srv, secrets, demoPersonNamed(t, "rivera"))

	// Rivera's inbox: nothing waits yet.
	webtest.Do(t, rivera, chromedp.Click(chromedp.ID("inbox-link")))
	webtest.WaitHeading(t, rivera, "Inbox")
	webtest.WaitJS(t, rivera, `!!document.getElementById('inbox-empty')`)

	// Maya's Messages page: the reply expectation and the emergency line.
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("messages-link")))
	webtest.WaitHeading(t, maya, "Messages")
	webtest.WaitJS(t, maya, `document.getElementById('chat-expectation')?.textContent === 'Your care team usually replies within 1 day.'`)
	webtest.WaitJS(t, maya, `document.getElementById('chat-emergency').textContent.includes('Messages are not monitored around the clock. Not for emergencies.')
		&& document.getElementById('chat-crisis-link').getAttribute('href') === '/crisis' && !!document.getElementById('chat-crisis-button')`)
	webtest.WaitJS(t, maya, `!!document.getElementById('chat-none')`)
	auditA11y(t, maya, "messages page")

	// She starts the care-team conversation by keyboard and writes.
	webtest.Do(t, maya, chromedp.Focus(chromedp.ID("chat-start-team")), chromedp.KeyEvent(kb.Enter))
	webtest.WaitHeading(t, maya, "Your care team")
	webtest.WaitJS(t, maya, `location.pathname === '/chat' && document.getElementById('chat-empty').hidden === false`)
	auditA11y(t, maya, "conversation page")
	hello := "Hello from Maya"
	typeAndEnter(t, maya, hello)
	webtest.WaitJS(t, maya, stateIs(hello, "Delivered"))

	// Rivera's inbox shows it live; he takes it and opens it.
	webtest.WaitJS(t, rivera, `(() => { const li = document.querySelector('#inbox-list li');
		return !!li && li.textContent.includes('Maya Patel') && li.textContent.includes('1 unread') && li.textContent.includes('No one on the team has it yet.'); })()`)
	webtest.Do(t, rivera, chromedp.Click(chromedp.CSS(`button[aria-label="Assign the conversation with Maya Patel to me"]`)))
	webtest.WaitJS(t, rivera, `document.querySelector('#inbox-list .chat-assignee')?.textContent === 'You have it.'`)
	auditA11y(t, rivera, "inbox")
	webtest.Do(t, rivera, chromedp.Click(chromedp.CSS(`a[aria-label="Open the conversation with Maya Patel"]`)))
	webtest.WaitHeading(t, rivera, "Maya Patel")
	webtest.WaitJS(t, rivera, whoIs(hello, "Maya Patel"))
	webtest.WaitJS(t, maya, stateIs(hello, "Read"))

	// He answers; Maya sees him typing, then the reply, and reads it.
	reply := "Hello Maya, this is Dr. Rivera."
	webtest.Do(t, rivera, chromedp.SendKeys(chromedp.CSS(`#chat-composer textarea`), reply))
	webtest.WaitJS(t, maya, `document.getElementById('chat-typing').textContent === 'Dr. Sam Rivera is typing…'`)
	webtest.Do(t, rivera, chromedp.KeyEvent(kb.Enter))
	webtest.WaitJS(t, maya, whoIs(reply, "Dr. Sam Rivera"))
	webtest.WaitJS(t, maya, `document.getElementById('chat-announce').textContent === 'New message from Dr. Sam Rivera: `+reply+`'`)
	webtest.WaitJS(t, maya, `document.getElementById('chat-typing').textContent === ''`)
	webtest.WaitJS(t, rivera, stateIs(reply, "Read"))

	// Unsent text survives a reload of Maya's page.
	draft := "I will write more after my walk."
	webtest.Do(t, maya, chromedp.SendKeys(chromedp.CSS(`#chat-composer textarea`), draft))
	webtest.Do(t, maya, chromedp.Reload())
	webtest.WaitHeading(t, maya, "Your care team")
	webtest.WaitJS(t, maya, whoIs(reply, "Dr. Sam Rivera"))
	if got := webtest.Eval[string](t, maya, `document.querySelector('#chat-composer textarea').value`); got != draft {
		t.Fatalf("after a reload the composer holds %q, want the draft %q", got, draft)
	}
	webtest.Do(t, maya, chromedp.Focus(chromedp.CSS(`#chat-composer textarea`)), chromedp.KeyEvent(kb.Enter))
	webtest.WaitJS(t, maya, stateIs(draft, "Delivered"))

	// Maya's connection drops. What she sends meanwhile waits; Rivera's
	// reply meanwhile reaches her through resume; nothing is lost or doubled.
	hookHub(t, maya)
	webtest.Eval[bool](t, maya, `window.__chatTest.hold()`)
	webtest.WaitJS(t, maya, `document.getElementById('chat-connection').textContent.startsWith('Reconnecting…')`)
	away := "Sent while reconnecting"
	typeAndEnter(t, maya, away)
	webtest.WaitJS(t, maya, stateIs(away, "Sending…"))
	meanwhile := "A reply while you were away"
	typeAndEnter(t, rivera, meanwhile)
	webtest.WaitJS(t, rivera, stateIs(meanwhile, "Delivered"))
	if got := webtest.Eval[string](t, maya, `document.getElementById('chat-thread').textContent`); strings.Contains(got, meanwhile) {
		t.Fatal("Maya's page showed a message while it had no connection")
	}
	webtest.Eval[bool](t, maya, `window.__chatTest.release()`)
	webtest.WaitJS(t, maya, `document.getElementById('chat-connection').textContent === ''`)
	webtest.WaitJS(t, maya, whoIs(meanwhile, "Dr. Sam Rivera"))
	webtest.WaitJS(t, maya, stateIs(away, "Read"))
	webtest.WaitJS(t, rivera, whoIs(away, "Maya Patel"))
	for name, tab := range map[string]context.Context{"Maya": maya, "Rivera": rivera} {
		if got := threadOrder(t, tab); got != "1,2,3,4,5" {
			t.Fatalf("%s's thread holds seqs %s, want 1,2,3,4,5 (each once, in order)", name, got)
		}
	}

	// A message Maya's page never received (as can happen across nodes)
	// leaves a gap when the next one arrives: the page holds the next one
	// and fetches the missing one, then shows both, in order.
	webtest.Eval[bool](t, maya, `window.__chatTest.dropMessages()`)
	lost, next := "First of two", "Second of two"
	typeAndEnter(t, rivera, lost)
	webtest.WaitJS(t, maya, `window.__chatTest.dropped === 1`)
	webtest.Eval[bool](t, maya, `window.__chatTest.passMessages()`)
	typeAndEnter(t, rivera, next)
	webtest.WaitJS(t, maya, whoIs(next, "Dr. Sam Rivera"))
	if got := threadOrder(t, maya); got != "1,2,3,4,5,6,7" {
		t.Fatalf("after the gap was filled Maya's thread holds seqs %s, want 1,2,3,4,5,6,7", got)
	}
	webtest.WaitJS(t, maya, whoIs(lost, "Dr. Sam Rivera"))

	// What the server or the page refuses is said plainly. A refused
	// message stays on the page, marked, to edit or discard.
	webtest.Do(t, maya, chromedp.Focus(chromedp.CSS(`#chat-composer textarea`)), chromedp.KeyEvent(kb.Enter))
	webtest.WaitJS(t, maya, `document.getElementById('chat-error').textContent === 'Write a message or attach a file first.'`)
	submitText(t, maya, `'x'.repeat(4001)`)
	webtest.WaitJS(t, maya, `document.getElementById('chat-error').textContent.startsWith('A message can be at most 4000 characters.')`)
	submitText(t, maya, `'Ring \u0007'`)
	webtest.WaitJS(t, maya, `document.querySelector('#chat-thread > li[data-failed]:not([data-failed=""]) .chat-msg__state')?.textContent === 'Not sent: Message is not valid UTF-8 text.'`)
	webtest.Do(t, maya, chromedp.Click(chromedp.CSS(`button[aria-label="Edit the message that was not sent"]`)))
	webtest.WaitJS(t, maya, `document.querySelector('#chat-composer textarea').value === 'Ring \u0007' && !document.querySelector('#chat-thread > li[data-failed]:not([data-failed=""])')`)
	submitText(t, maya, `'Ring \u0007'`)
	webtest.Do(t, maya, chromedp.Click(chromedp.CSS(`button[aria-label="Discard the message that was not sent"]`)))
	webtest.WaitJS(t, maya, `!document.querySelector('#chat-thread > li[data-failed]') && document.querySelectorAll('#chat-thread > li').length === 7`)

	// Attachments: the page refuses a file type it cannot send; the
	// server refuses a file that is not an image and
	// says why; a PNG goes through and Rivera downloads it.
	dir := t.TempDir()
	fake := filepath.Join(dir, "notes.png")
	if err := os.WriteFile(fake, []byte("this is text, not a picture"), 0o600); err != nil {
		t.Fatal(err)
	}
	dot := filepath.Join(dir, "dot.png")
	writePNG(t, dot)
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("plain text"), 0o600); err != nil {
		t.Fatal(err)
	}
	webtest.Do(t, maya, chromedp.SetUploadFiles(chromedp.CSS(`#chat-composer input[type="file"]`), []string{text}))
	webtest.WaitJS(t, maya, `document.getElementById('chat-error').textContent === 'Only images (PNG, JPEG, WebP or GIF) and PDF files can be attached.'`)
	webtest.Do(t, maya, chromedp.SetUploadFiles(chromedp.CSS(`#chat-composer input[type="file"]`), []string{fake}))
	webtest.WaitJS(t, maya, `document.getElementById('chat-error').textContent === 'Attachments must be PNG, JPEG, WebP or GIF images or PDF documents.'`)
	webtest.Do(t, maya, chromedp.SetUploadFiles(chromedp.CSS(`#chat-composer input[type="file"]`), []string{dot}))
	webtest.WaitJS(t, maya, `document.getElementById('chat-attached').textContent.includes('dot.png')`)
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("chat-send")))
	webtest.WaitJS(t, maya, `document.getElementById('chat-error').textContent === '' && document.getElementById('chat-attached').children.length === 0`)
	webtest.WaitJS(t, rivera, `!!document.querySelector('#chat-thread > li[data-seq="8"] a.chat-file')`)
	got := evalAwait[string](t, rivera, `fetch(document.querySelector('#chat-thread > li[data-seq="8"] a.chat-file').href)
		.then((r) => r.status + ' ' + r.headers.get('content-type'))`)
	if got != "200 image/png" {
		t.Fatalf("Rivera's download of the attachment: %s, want 200 image/png", got)
	}

	// Older messages come a page at a time: after 50 more, a reload shows
	// the latest 50 and "Load earlier messages" the rest.
	hookHub(t, rivera)
	evalAwait[bool](t, rivera, `(async () => {
		const conversation = Number(new URLSearchParams(location.search).get('conversation'));
		await Promise.all(Array.from({ length: 50 }, (_, i) => window.__chatTest.live.request('chat.send',
			{ conversation, client_id: 'bulk-' + i, body: 'Note ' + (i + 1) })));
		return true;
	})()`)
	webtest.WaitJS(t, maya, whoIs("Note 50", "Dr. Sam Rivera"))
	webtest.Do(t, maya, chromedp.Reload())
	webtest.WaitJS(t, maya, whoIs("Note 50", "Dr. Sam Rivera"))
	if got := threadOrder(t, maya); got != seqList(9, 58) {
		t.Fatalf("after a reload Maya's thread holds seqs %s, want 9 to 58", got)
	}
	webtest.Do(t, maya, chromedp.Click(chromedp.ID("chat-earlier")))
	webtest.WaitJS(t, maya, `document.getElementById('chat-earlier').hidden`)
	if got := threadOrder(t, maya); got != seqList(1, 58) {
		t.Fatalf("after loading earlier messages Maya's thread holds seqs %s, want 1 to 58", got)
	}
	auditA11y(t, maya, "conversation page with 58 messages")

	// A conversation that does not exist (or is not hers) is not shown.
	webtest.Do(t, maya, chromedp.Navigate(srv.URL+"/chat?conversation=999999"))
	webtest.WaitHeading(t, maya, "Conversation not available")
	webtest.WaitJS(t, maya, `document.querySelector('#chat-composer textarea').disabled`)

	// Rivera escalates from the conversation: a confirmation names Maya,
	// then the on-call counselor is alerted, and Maya's page, wherever she
	// is, turns to the crisis page.
	webtest.Do(t, rivera, chromedp.Click(chromedp.ID("chat-escalate")))
	webtest.WaitJS(t, rivera, `document.querySelector('.chat-escalate-confirm p').textContent === 'This alerts the on-call crisis counselor about Maya Patel at once.'`)
	webtest.Do(t, rivera, chromedp.Click(chromedp.ID("chat-escalate-confirm")))
	webtest.WaitJS(t, rivera, `/^The on-call crisis counselor has been alerted \(request \d+\)\.$/.test(document.getElementById('chat-escalate-status').textContent)`)
	webtest.WaitHeading(t, maya, "Crisis help")
	auditA11y(t, rivera, "conversation page after an escalation")

	for name, tab := range map[string]context.Context{"Maya": maya, "Rivera": rivera} {
		if v, err := webtest.CSPViolations(tab); err != nil || len(v) > 0 {
			t.Fatalf("%s's tab: CSP violations %v (%v)", name, v, err)
		}
	}
}

// submitText puts the value of a JavaScript expression in the composer
// and submits it.
func submitText(t *testing.T, ctx context.Context, valueJS string) {
	t.Helper()
	webtest.Eval[bool](t, ctx, `(() => {
		const input = document.querySelector('#chat-composer textarea');
		input.value = `+valueJS+`;
		input.dispatchEvent(new Event('input'));
		document.getElementById('chat-composer').requestSubmit();
		return true;
	})()`)
}

// seqList is "from,from+1,…,to".
func seqList(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// chatTab opens a tab of the given size that records CSP violations.
func chatTab(t *testing.T, b *webtest.Browser, width, height int64) context.Context {
	t.Helper()
	ctx := b.Tab(t, 90*time.Second)
	webtest.Do(t, ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.EmulateViewport(width, height))
	return ctx
}

// auditA11y fails the test on any problem the accessibility audit finds.
func auditA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	problems, err := webtest.AuditA11y(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("accessibility problems on the %s: %v", page, problems)
	}
}

// typeAndEnter writes text in the composer and sends it with Enter.
func typeAndEnter(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	webtest.Do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#chat-composer textarea`), text+kb.Enter))
}

// itemJS is a JavaScript expression for the thread item showing body.
func itemJS(body string) string {
	q, _ := json.Marshal(body)
	return `[...document.querySelectorAll('#chat-thread > li')].find((li) => li.querySelector('.chat-msg__body')?.textContent === ` + string(q) + `)`
}

// stateIs is true once the user's own message body shows state.
func stateIs(body, state string) string {
	q, _ := json.Marshal(state)
	return `(` + itemJS(body) + `)?.querySelector('.chat-msg__state')?.textContent === ` + string(q)
}

// whoIs is true once the message body shows, sent by who.
func whoIs(body, who string) string {
	q, _ := json.Marshal(who)
	return `(` + itemJS(body) + `)?.querySelector('.chat-msg__who')?.textContent === ` + string(q)
}

// threadOrder lists the seqs of the thread's items, in page order.
func threadOrder(t *testing.T, ctx context.Context) string {
	t.Helper()
	return webtest.Eval[string](t, ctx, `[...document.querySelectorAll('#chat-thread > li')].map((li) => li.dataset.seq).join(',')`)
}

// hookHub gives the test a handle on the page's own hub connection (its
// module, loaded from the page's bundle), as window.__chatTest: hold()
// closes the connection and keeps it from reconnecting until release();
// dropMessages() makes the page lose the chat.message events it receives
// (counting them in dropped), as a message delayed across nodes would be,
// until passMessages().
func hookHub(t *testing.T, ctx context.Context) {
	t.Helper()
	evalAwait[bool](t, ctx, `(async () => {
		const src = document.querySelector('script[type="module"]').src;
		const live = (await import(src.replace(/app\.js$/, 'hub.js'))).hub();
		const emit = live.emit;
		window.__chatTest = {
			live,
			dropped: 0,
			hold() { live.connect = () => {}; live.ws.close(); return true; },
			release() { delete live.connect; live.connect(); return true; },
			dropMessages() {
				live.emit = function (type, ...rest) {
					if (type === 'chat.message') { window.__chatTest.dropped++; return; }
					return emit.call(this, type, ...rest);
				};
				return true;
			},
			passMessages() { delete live.emit; return true; },
		};
		return true;
	})()`)
}

// evalAwait evaluates a JavaScript expression whose value is a promise and
// returns what it resolves to.
func evalAwait[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// writePNG writes a small valid PNG image at path.
func writePNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 44, G: 95, B: 93, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
