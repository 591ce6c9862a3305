package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"haven/portal/account"
	"haven/portal/records"
	"haven/signaling"
	"haven/web/webtest"
)

// TestCrisisInBrowser runs the crisis journeys in one headless Chromium,
// each in its own browser contexts.
func TestCrisisInBrowser(t *testing.T) {
	t.Parallel()
	b := webtest.StartBrowser(t)
	t.Run("patient presses the crisis button and a counselor joins", func(t *testing.T) {
		t.Parallel()
		crisisButtonToCounselor(t, b)
	})
	t.Run("the crisis page works offline", func(t *testing.T) {
		t.Parallel()
		crisisPageOffline(t, b)
	})
	t.Run("the hub client resyncs, reconnects and stops", func(t *testing.T) {
		t.Parallel()
		hubClientResumes(t, b)
	})
}

// hubClientResumes drives the page's hub client (hub.js) through the
// protocol's recoveries: a resync is answered with a new hello, a 4008
// close is followed by a reconnection and events flow again, and a 4001
// close (session ended) stops it for good.
func hubClientResumes(t *testing.T, b *webtest.Browser) {
	e := newCrisisEnv(t)
	pat := e.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	pt := b.Tab(t, 90*time.Second)
	pc := e.client()
	pc.signIn("pat@example.org")
	setSession(t, pt, e.harness, pc)
	do(t, pt, chromedp.EmulateViewport(360, 740), chromedp.Navigate(e.ts.URL+"/crisis"))
	waitHeading(t, pt, "Crisis help")
	// The page's own hub module, with a recorder of its welcomes, statuses
	// and test events.
	run(t, pt, chromedp.Evaluate[bool](`import('/assets/`+e.srv.ui.bundle+`/js/hub.js').then((m) => {
		const live = m.hub();
		window.__hub = { live, welcomes: 0, statuses: [], pings: [] };
		live.on('welcome', () => window.__hub.welcomes++);
		live.onStatus((s) => window.__hub.statuses.push(s));
		live.on('test.ping', (d) => window.__hub.pings.push(d.n));
		return true;
	})`, chromedp.EvalAwaitPromise))
	waitJS(t, pt, `window.__hub.live.status === 'online'`)
	publish := func(n int) {
		t.Helper()
		err := e.hub.Publish(context.Background(), pat.ID, signaling.Event{Type: "test.ping", Data: []byte(`{"n":` + strconv.Itoa(n) + `}`), Durable: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	publish(1)
	waitJS(t, pt, `window.__hub.pings.join() === '1'`)
	welcomes := func() string {
		t.Helper()
		return strconv.Itoa(run(t, pt, chromedp.Evaluate[int](`window.__hub.welcomes`)))
	}

	before := welcomes()
	e.broker.gap() // the server says "resync"; the client says hello again
	waitJS(t, pt, `window.__hub.welcomes > `+before+` && window.__hub.live.status === 'online'`)
	publish(2)
	waitJS(t, pt, `window.__hub.pings.join() === '1,2'`)

	before = welcomes()
	e.hub.CloseUser(pat.ID, 4008, "slow consumer") // reconnect at once
	waitJS(t, pt, `window.__hub.welcomes > `+before+` && window.__hub.live.status === 'online'`)
	if got := run(t, pt, chromedp.Evaluate[string](`window.__hub.statuses.join()`)); !strings.HasSuffix(got, "reconnecting,online") {
		t.Fatalf("statuses %q", got)
	}
	publish(3)
	waitJS(t, pt, `window.__hub.pings.join() === '1,2,3'`)

	e.hub.CloseUser(pat.ID, 4001, "session ended") // do not reconnect
	waitJS(t, pt, `window.__hub.live.status === 'stopped'`)
	before = welcomes()
	time.Sleep(1500 * time.Millisecond) // longer than a 4008-style retry would take
	if w := welcomes(); w != before || run(t, pt, chromedp.Evaluate[string](`window.__hub.live.status`)) != "stopped" {
		t.Fatalf("the client reconnected after 4001: %s welcomes, want %s", w, before)
	}
}

// crisisButtonToCounselor: a counselor signs in with TOTP and goes on call
// in the console (desktop); a patient (phone) presses the crisis button,
// keyboard only, and sees the crisis lines at once; the console shows the
// offer (the button→console time is logged, not asserted), the counselor
// takes it by keyboard and reads the context, and the patient's page names
// the counselor; then the counselor resolves it and the patient is told.
func crisisButtonToCounselor(t *testing.T, b *webtest.Browser) {
	e := newCrisisEnv(t)
	pat := e.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	self := account.Actor{UserID: pat.ID, Role: account.RolePatient}
	if _, err := e.recs.SaveSafetyPlan(context.Background(), self, pat.ID, 0, records.SafetyPlan{CopingStrategies: []string{"Walk the dog"}}); err != nil {
		t.Fatal(err)
	}
	e.createUser(account.RoleCounselor, "jordan@clinic.example", "Jordan Lee")

	// The counselor: first sign-in with TOTP enrollment, then the console.
	con := b.Tab(t, 150*time.Second)
	do(t, con, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(e.ts.URL+"/signin"))
	waitHeading(t, con, "Sign in to Haven")
	do(t, con,
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "jordan@clinic.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
	waitHeading(t, con, "Set up two-step sign-in")
	secret := run(t, con, chromedp.Evaluate[string](`document.getElementById('mfa-secret').dataset.secret`))
	do(t, con,
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), totpAt(t, secret, e.clock.Now())),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	waitHeading(t, con, "Save your recovery codes")
	do(t, con, chromedp.Click(chromedp.ID("codes-saved")))
	waitHeading(t, con, "Hello, Jordan Lee")
	do(t, con, chromedp.Click(chromedp.ID("console-link")))
	waitHeading(t, con, "Crisis console")
	waitJS(t, con, `document.getElementById('coverage-warning').textContent.includes('No counselor is on call')`)
	do(t, con, chromedp.Click(chromedp.ID("oncall-on")))
	waitJS(t, con, `document.getElementById('oncall-state').dataset.onCall === 'true'`)
	waitJS(t, con, `document.getElementById('coverage-warning').textContent === ''`)
	waitJS(t, con, `document.getElementById('live-state').textContent === 'Live updates are on.'`)
	do(t, con, chromedp.Click(chromedp.ID("alerts-on")))
	waitJS(t, con, `document.querySelector('#alerts-h ~ [role=status]').textContent.includes('Sound alerts are on.')`)
	auditPage(t, con, "console")
	keep(t, con, "desktop-console.png")
	run(t, con, chromedp.Evaluate[bool](`(() => {
		window.__offerSeenAt = 0;
		new MutationObserver(() => {
			if (!window.__offerSeenAt && document.querySelector('#queue li[data-id] button')) window.__offerSeenAt = Date.now();
		}).observe(document.getElementById('queue'), { childList: true, subtree: true });
		return true;
	})()`))

	// The patient: signed in, on the phone-sized home page.
	pt := b.Tab(t, 150*time.Second)
	pc := e.client()
	pc.signIn("pat@example.org")
	setSession(t, pt, e.harness, pc)
	do(t, pt, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(e.ts.URL+"/home"))
	waitHeading(t, pt, "Hello, Pat Lee")
	auditPage(t, pt, "patient home with the crisis button")
	run(t, pt, chromedp.Evaluate[bool](`(() => {
		window.__crisis = {};
		document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !window.__crisis.t0) window.__crisis.t0 = performance.now(); }, true);
		new MutationObserver(() => {
			if (!window.__crisis.t1 && document.getElementById('call-988')) {
				window.__crisis.t1 = performance.now();
				window.__crisis.status = document.getElementById('crisis-status').textContent;
			}
		}).observe(document.getElementById('main'), { childList: true, subtree: true });
		return true;
	})()`))
	do(t, pt, chromedp.Focus(chromedp.ID("crisis-button")))
	pressed := time.Now()
	key(t, pt, kb.Enter)

	// The crisis lines show at once: the page had not heard from the
	// server when they appeared.
	waitHeading(t, pt, "Crisis help")
	for _, sel := range []string{`#call-988[href="tel:988"]`, `a[href="sms:988"]`, `a[href="https://988lifeline.org/chat"]`, `#call-emergency[href="tel:911"]`} {
		do(t, pt, chromedp.WaitVisible(chromedp.CSS(sel)))
	}
	if st := run(t, pt, chromedp.Evaluate[string](`window.__crisis.status`)); st != "Alerting a crisis counselor…" {
		t.Fatalf("when the crisis lines appeared the request said %q, want it still being sent", st)
	}
	t.Logf("crisis button → crisis lines in the page: %.0f ms", run(t, pt, chromedp.Evaluate[float64](`window.__crisis.t1 - window.__crisis.t0`)))
	waitJS(t, pt, `document.getElementById('crisis-status').textContent.includes('A crisis counselor has been alerted')`)
	waitJS(t, pt, `document.body.textContent.includes('Walk the dog')`)
	auditPage(t, pt, "crisis page")
	keep(t, pt, "phone-crisis-alerted.png")

	// The console shows the offer; the counselor takes it by keyboard.
	waitJS(t, con, `window.__offerSeenAt > 0`)
	seen := run(t, con, chromedp.Evaluate[int64](`window.__offerSeenAt`))
	t.Logf("crisis button → offer in the console: %d ms", seen-pressed.UnixMilli())
	do(t, con, chromedp.Focus(chromedp.CSS(`#queue button[aria-label^="Take request"]`)))
	key(t, con, kb.Enter)
	waitJS(t, con, `document.getElementById('context-h').textContent.includes('Pat Lee')`)
	waitJS(t, con, `document.getElementById('open-conversation').getAttribute('href').startsWith('/chat?conversation=c')`)
	waitJS(t, con, `document.querySelector('#context').textContent.includes('Walk the dog')`)
	auditPage(t, con, "console with a held request")
	keep(t, con, "desktop-console-context.png")
	do(t, con, chromedp.EmulateViewport(360, 740))
	auditPage(t, con, "console with a held request at phone width")
	keep(t, con, "phone-console-context.png")
	do(t, con, chromedp.EmulateViewport(1280, 900))

	// The patient's page names the counselor.
	waitJS(t, pt, `document.getElementById('crisis-status').textContent === 'Jordan Lee, a crisis counselor, has joined.'`)
	do(t, pt, chromedp.WaitVisible(chromedp.ID("crisis-conversation")), chromedp.WaitVisible(chromedp.ID("share-location")))
	auditPage(t, pt, "crisis page with a counselor")
	keep(t, pt, "phone-crisis-joined.png")

	// The counselor resolves it with a call-back for themself; the patient
	// is told.
	held := run(t, con, chromedp.Evaluate[string](`document.querySelector('#queue li[data-held="you"]').dataset.id`))
	do(t, con,
		chromedp.Click(chromedp.CSS(`input[name="disposition"][value="de_escalated"]`)),
		chromedp.Click(chromedp.CSS(`input[name="follow_up"][value="call_back"]`)),
		chromedp.Click(chromedp.ID("resolve-submit")))
	waitJS(t, con, `document.getElementById('console-news').textContent.includes('is resolved')`)
	waitJS(t, pt, `document.getElementById('crisis-status').textContent.includes('closed this request')`)
	heldID, _ := strconv.ParseInt(held, 10, 64)
	fus, err := e.svc.FollowUps(context.Background(), heldID)
	if err != nil || len(fus) != 1 || fus[0].Kind != "call_back" {
		t.Fatalf("follow-ups %+v %v", fus, err)
	}

	// Another counselor takes the next request: the console's row says so.
	other, _ := e.counselor("casey@clinic.example", "Casey Counselor")
	e.createUser(account.RolePatient, "robin@example.org", "Robin Ray")
	rc := e.client()
	rc.signIn("robin@example.org")
	var next crisisRequest
	rc.do("POST", "/api/crisis", nil).want(t, 201).decode(t, &next)
	row := `#queue li[data-id="` + strconv.FormatInt(next.EscalationID, 10) + `"]`
	waitJS(t, con, `!!document.querySelector('`+row+` button')`)
	other.do("POST", crisisPath(next.EscalationID, "/claim"), nil).want(t, 200)
	waitJS(t, con, `document.querySelector('`+row+`').textContent.includes('Another counselor') && !document.querySelector('`+row+` button')`)
	noCSPViolations(t, con)
	noCSPViolations(t, pt)
}

// crisisPageOffline: after a first visit, with the network cut (and the
// server gone), /crisis still opens from the service worker's cache with
// the crisis lines and the patient's safety plan kept on the device.
func crisisPageOffline(t *testing.T, b *webtest.Browser) {
	e := newCrisisEnv(t)
	pat := e.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	self := account.Actor{UserID: pat.ID, Role: account.RolePatient}
	if _, err := e.recs.SaveSafetyPlan(context.Background(), self, pat.ID, 0, records.SafetyPlan{
		HelpContacts: []records.Contact{{Name: "Sam (sister)", Phone: "+1 555 0100"}}}); err != nil {
		t.Fatal(err)
	}
	pt := b.Tab(t, 120*time.Second)
	pc := e.client()
	pc.signIn("pat@example.org")
	setSession(t, pt, e.harness, pc)
	do(t, pt, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(e.ts.URL+"/crisis"))
	waitHeading(t, pt, "Crisis help")
	waitJS(t, pt, `document.body.textContent.includes('Sam (sister)') && document.body.textContent.includes('A copy is kept on this device')`)
	waitJS(t, pt, `!!navigator.serviceWorker.controller`)
	cached := run(t, pt, chromedp.Evaluate[bool](`caches.match('/crisis').then((r) => !!r)`, chromedp.EvalAwaitPromise))
	if !cached {
		t.Fatal("the service worker did not keep /crisis")
	}

	// Cut the network for the page and its service worker, and stop the
	// server too.
	offline := true
	if _, err := chromedp.Call(pt, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(pt, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &offline,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(pt, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatal(err)
	}
	e.ts.Close()

	do(t, pt, chromedp.Navigate(e.ts.URL+"/crisis"))
	waitHeading(t, pt, "Crisis help")
	if online := run(t, pt, chromedp.Evaluate[bool](`navigator.onLine`)); online {
		t.Fatal("the browser still says it is online")
	}
	do(t, pt, chromedp.WaitVisible(chromedp.CSS(`a[href="tel:988"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="tel:911"]`)))
	waitJS(t, pt, `document.body.textContent.includes('Sam (sister)') && document.body.textContent.includes('The copy saved on this device')`)
	waitJS(t, pt, `document.querySelector('.crisis-request [role=alert]').textContent.includes('offline, so Haven cannot alert a counselor')`)
	auditPage(t, pt, "crisis page offline")
	keep(t, pt, "phone-crisis-offline.png")
	noCSPViolations(t, pt)
}

// setSession gives the tab the session of c, opened through the API.
func setSession(t *testing.T, ctx context.Context, h *harness, c *client) {
	t.Helper()
	base, _ := url.Parse(h.ts.URL)
	for _, ck := range c.http.Jar.Cookies(base) {
		if ck.Name == SessionCookie {
			if err := webtest.SetCookie(ctx, h.ts.URL, SessionCookie, ck.Value); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatal("the client has no session cookie")
}
