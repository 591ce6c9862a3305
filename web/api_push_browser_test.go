package web

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/chromedp/chromedp/kb"

	"haven/portal/account"
	"haven/web/webtest"
)

// countPermissionPrompts makes every page of the tab count its calls of
// Notification.requestPermission in window.__permissionAsks.
const countPermissionPrompts = `window.__permissionAsks = 0;
if (window.Notification) {
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = (...args) => { window.__permissionAsks++; return ask(...args); };
}`

// TestPushSettingsInBrowser drives the settings page in headless Chromium
// at phone width: a patient opens Settings from their home, the service
// worker controls the page, nothing asks for permission until the button
// is pressed (from the keyboard), and then the page either stores the
// device or, where the browser's push service is unreachable (this
// sandbox), says so clearly. A push delivered to the real service worker
// through the DevTools protocol shows the payload's fixed texts, and the
// payload mapping the worker uses is checked against hostile payloads.
func TestPushSettingsInBrowser(t *testing.T) {
	t.Parallel()
	b := webtest.StartBrowser(t)
	h, svc := newPushHarness(t)
	pat := h.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	c := h.client()
	c.signIn("pat@example.org")

	ctx := signedInTab(t, b, h, c)
	origin := h.ts.URL
	do(t, ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: countPermissionPrompts})
			return err
		}),
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(h.ts.URL+"/home"))
	waitHeading(t, ctx, "Hello, Pat Lee")
	do(t, ctx, chromedp.Click(chromedp.ID("settings-link")))
	waitHeading(t, ctx, "Settings")

	// The service worker (which imports the push mapping) is installed and
	// controls the page.
	waitJS(t, ctx, `navigator.serviceWorker.controller !== null && navigator.serviceWorker.controller.scriptURL.endsWith('/sw.js')`)
	waitJS(t, ctx, `document.getElementById('push-state').dataset.state === 'off'`)
	waitJS(t, ctx, `document.querySelector('#prefs-form input[value="medication"]') !== null`)
	auditPage(t, ctx, "settings")
	keep(t, ctx, "phone-settings.png")
	if n := run(t, ctx, chromedp.Evaluate[int](`window.__permissionAsks`)); n != 0 {
		t.Fatalf("permission was asked %d times before the button was pressed", n)
	}
	if p := run(t, ctx, chromedp.Evaluate[string](`Notification.permission`)); p != "default" {
		t.Fatalf("permission %q before asking, want default", p)
	}

	// Grant notifications for this origin, as a user answering the prompt
	// would, then press the button from the keyboard.
	bctx := chromedp.FromContext(ctx).BrowserContextID
	for _, d := range []*browser.PermissionDescriptor{{Name: "notifications"}, {Name: "push", UserVisibleOnly: true}} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: d, Setting: browser.PermissionSettingGranted, Origin: origin, BrowserContextID: bctx}); err != nil {
			t.Fatalf("grant %s: %v", d.Name, err)
		}
	}
	do(t, ctx, chromedp.Focus(chromedp.ID("push-on")))
	key(t, ctx, kb.Enter)
	webtest.WaitJS(t, ctx, `['on', 'error'].includes(document.getElementById('push-state').dataset.state)`)
	if n := run(t, ctx, chromedp.Evaluate[int](`window.__permissionAsks`)); n != 1 {
		t.Fatalf("permission asked %d times after one press, want 1", n)
	}
	state := run(t, ctx, chromedp.Evaluate[string](`document.getElementById('push-state').dataset.state`))
	devices, err := svc.Devices(context.Background(), pat.ID)
	if err != nil {
		t.Fatal(err)
	}
	switch state {
	case "error":
		// The browser's push service is out of reach: the page says so in
		// words, offers to try again, and the server stored nothing.
		msg := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('#push-state [role=alert]').textContent`))
		if !strings.Contains(msg, "notification service") || strings.Contains(msg, "Error") {
			t.Fatalf("error state says %q, want the plain notification-service message", msg)
		}
		waitJS(t, ctx, `document.getElementById('push-on').textContent === 'Try again'`)
		if len(devices) != 0 {
			t.Fatalf("devices %+v after a failed subscribe, want none", devices)
		}
		t.Logf("subscribe failed as expected without a push service; the page shows: %s", msg)
	case "on":
		waitJS(t, ctx, `[...document.querySelectorAll('#device-list li')].some((li) => li.textContent.includes('This device'))`)
		if len(devices) != 1 {
			t.Fatalf("devices %+v after subscribing, want one", devices)
		}
		t.Logf("subscribe succeeded: device %d %q", devices[0].ID, devices[0].Label)
	}
	auditPage(t, ctx, "settings after turning on ("+state+")")
	keep(t, ctx, "phone-settings-"+state+".png")

	// Preferences: turn medication reminders off, set quiet hours, save.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#prefs-form input[value="medication"]`)),
		chromedp.Click(chromedp.CSS(`#prefs-form input[name="quiet"]`)),
		chromedp.SetValue(chromedp.CSS(`#prefs-form select[name="zone"]`), "America/Chicago"),
		chromedp.Click(chromedp.CSS(`#prefs-form button[type="submit"]`)))
	waitJS(t, ctx, `document.querySelector('#prefs-form [role=status]').textContent.includes('saved')`)
	prefs, err := svc.Preferences(context.Background(), pat.ID)
	if err != nil {
		t.Fatal(err)
	}
	if prefs.QuietStart != "22:00" || prefs.QuietEnd != "07:00" || prefs.Zone != "America/Chicago" || len(prefs.OptOut) != 1 || prefs.OptOut[0] != "medication" {
		t.Fatalf("stored preferences %+v, want 22:00–07:00 America/Chicago without medication reminders", prefs)
	}

	deliverPush(t, ctx, origin)
	clickNotification(t, ctx, origin+"/sw.js", bctx)
	payloadMapping(t, ctx, h.srv.ui.bundle, origin)
	noCSPViolations(t, ctx)

	// Blocked in the browser's settings: the page says how to fix it.
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingDenied, Origin: origin, BrowserContextID: bctx}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(h.ts.URL+"/settings"))
	waitHeading(t, ctx, "Settings")
	waitJS(t, ctx, `document.getElementById('push-state').dataset.state === 'blocked' && document.getElementById('push-state').textContent.includes('set Notifications to Allow')`)
	auditPage(t, ctx, "settings, blocked")

	// Safari on an iPhone, not opened from the Home Screen: the page
	// explains Add to Home Screen instead of offering the button.
	ios := signedInTab(t, b, h, c)
	do(t, ios, chromedp.Emulate(device.IPhone13), chromedp.Navigate(h.ts.URL+"/settings"))
	waitHeading(t, ios, "Settings")
	waitJS(t, ios, `document.getElementById('push-state').dataset.state === 'ios-install' && document.getElementById('push-state').textContent.includes('Add to Home Screen') && !document.getElementById('push-on')`)
	auditPage(t, ios, "settings on an iPhone")
	keep(t, ios, "phone-settings-ios.png")

	// A counselor sees why crisis alerts cannot be turned off.
	h.createUser(account.RoleCounselor, "casey@clinic.example", "Casey Counselor")
	cc := h.client()
	cc.staff("casey@clinic.example")
	counselor := signedInTab(t, b, h, cc)
	do(t, counselor, chromedp.EmulateViewport(360, 740), chromedp.Navigate(h.ts.URL+"/settings"))
	waitHeading(t, counselor, "Settings")
	waitJS(t, counselor, `(() => {
		const crisis = document.querySelector('#prefs-form input[value="crisis_alert"]');
		const why = crisis && document.getElementById(crisis.getAttribute('aria-describedby'));
		return crisis.checked && crisis.disabled && why.textContent.includes('cannot be turned off');
	})()`)
	auditPage(t, counselor, "counselor settings")
}

// signedInTab opens a tab carrying the session of c.
func signedInTab(t *testing.T, b *webtest.Browser, h *harness, c *client) context.Context {
	t.Helper()
	ctx := b.Tab(t, 90*time.Second)
	base, _ := url.Parse(h.ts.URL)
	for _, ck := range c.http.Jar.Cookies(base) {
		if ck.Name == SessionCookie {
			if err := webtest.SetCookie(ctx, h.ts.URL, SessionCookie, ck.Value); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ctx
}

// deliverPush hands the page's service worker a push through the DevTools
// protocol and checks the notification it shows.
func deliverPush(t *testing.T, ctx context.Context, origin string) {
	t.Helper()
	regs := chromedp.Events(ctx, serviceworker.WorkerRegistrationUpdated)
	if _, err := chromedp.Call(ctx, serviceworker.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("ServiceWorker.enable: %v", err)
	}
	var id serviceworker.RegistrationID
	for ev, err := range regs {
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ev.Registrations {
			if r.ScopeURL == origin+"/" && !r.IsDeleted {
				id = r.RegistrationID
			}
		}
		if id != "" {
			break
		}
	}
	// Chromium occasionally drops a delivery under load (the DevTools call
	// reports no failure); deliver again, a few times at most.
	payload := `{"title":"Haven","body":"You have a new message in Haven","kind":"message","ref":"m-AAAAAAAAAAAAAAAAAAAA","url":"/messages"}`
	shownExpr := `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => {
		window.__shown = ns.map((n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url}));
		return ns.length > 0;
	})`
	for attempt := 1; ; attempt++ {
		if _, err := chromedp.Call(ctx, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{
			Origin: origin, RegistrationID: id, Data: payload}); err != nil {
			t.Fatalf("deliver push: %v", err)
		}
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](shownExpr, chromedp.WithPollingTimeout(8*time.Second)))
		if err == nil {
			break
		}
		if attempt == 3 {
			t.Fatalf("no notification after %d pushes: %v", attempt, err)
		}
		t.Logf("push %d showed no notification; delivering again", attempt)
	}
	shown := run(t, ctx, chromedp.Evaluate[[]map[string]string](`window.__shown`))
	want := map[string]string{"title": "Haven", "body": "You have a new message in Haven", "tag": "m-AAAAAAAAAAAAAAAAAAAA", "url": "/messages"}
	if len(shown) != 1 || !maps.Equal(shown[0], want) {
		t.Fatalf("notifications shown %v, want %v", shown, want)
	}
}

// clickNotification dispatches notificationclick in the service worker
// for the notification deliverPush showed, and checks that the open window
// goes to the notification's page. The event is synthetic (DevTools cannot
// click a notification), so the worker may not focus the window; the
// navigation request reaches it all the same.
func clickNotification(t *testing.T, ctx context.Context, scriptURL string, bctx cdp.BrowserContextID) {
	t.Helper()
	var sw *target.Info
	waitFor(t, func() bool {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range infos {
			if in.Type == "service_worker" && in.URL == scriptURL && in.BrowserContextID == bctx {
				sw = in
			}
		}
		return sw != nil
	})
	wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(sw.TargetID))
	defer cancel()
	clicked := run(t, wctx, chromedp.Evaluate[bool](`self.registration.getNotifications().then(([n]) => {
		if (!n) return false;
		self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n }));
		return true;
	})`, chromedp.EvalAwaitPromise))
	if !clicked {
		t.Fatal("no notification to click")
	}
	waitJS(t, ctx, `location.pathname === '/messages'`)
}

// waitFor polls cond until it holds, failing the test after WaitTimeout.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(webtest.WaitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// payloadMapping runs the service worker's payload mapping in the page on
// good, missing and hostile payloads.
func payloadMapping(t *testing.T, ctx context.Context, bundle, origin string) {
	t.Helper()
	cases := []struct {
		name    string
		payload string // a JS expression
		want    string // JSON of {title, options}
	}{
		{"a message", `{"title":"Haven","body":"You have a new message in Haven","kind":"message","ref":"m-abc","url":"/messages"}`,
			`{"title":"Haven","options":{"body":"You have a new message in Haven","data":{"url":"/messages"},"tag":"m-abc"}}`},
		{"no payload", `null`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"not an object", `"hello"`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"another site", `{"url":"https://evil.example/x"}`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"protocol-relative", `{"url":"//evil.example/x"}`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"backslash", `{"url":"/\\evil.example"}`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"script url", `{"url":"javascript:alert(1)"}`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"long texts", `{"title":"x".repeat(500),"body":"y".repeat(500),"ref":"bad ref!"}`,
			`{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"wrong types", `{"title":7,"body":{},"ref":[],"url":5}`, `{"title":"Haven","options":{"body":"You have a new notification in Haven","data":{"url":"/"}}}`},
		{"crisis alert", `{"title":"Haven","body":"A crisis escalation needs a counselor now","kind":"crisis_alert","ref":"c-x","url":"/crisis"}`,
			`{"title":"Haven","options":{"body":"A crisis escalation needs a counselor now","data":{"url":"/crisis"},"tag":"c-x","requireInteraction":true,"renotify":true}}`},
	}
	exprs := make([]string, len(cases))
	for i, tc := range cases {
		exprs[i] = tc.payload
	}
	js := `import('/assets/` + bundle + `/js/push-common.js').then(() => JSON.stringify([` + strings.Join(exprs, ",") +
		`].map((p) => globalThis.havenPush.notificationFor(p, ` + jsString(origin) + `))))`
	raw := run(t, ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	var got []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &got); err != nil || len(got) != len(cases) {
		t.Fatalf("mapping results %s: %v", raw, err)
	}
	for i, tc := range cases {
		if !jsonEqual(t, got[i], tc.want) {
			t.Errorf("%s: notification %s, want %s", tc.name, got[i], tc.want)
		}
	}
	if n := run(t, ctx, chromedp.Evaluate[string](`String(globalThis.havenPush.parse({ json() { throw new SyntaxError('x'); } }))`)); n != "null" {
		t.Errorf("a payload that is not JSON parsed as %s, want null", n)
	}
}

func jsonEqual(t *testing.T, a json.RawMessage, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatal(err)
	}
	xs, _ := json.Marshal(x)
	ys, _ := json.Marshal(y)
	return string(xs) == string(ys)
}
