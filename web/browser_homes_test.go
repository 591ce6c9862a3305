package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"haven/portal/account"
	"haven/web/webtest"
)

// roleHomes opens each role's home at phone width with a session made
// through the API, checks what it shows, audits it, and checks that an idle
// session returns the patient to sign-in saying why. The steps share one
// clock, so the idle step comes last.
func roleHomes(t *testing.T, b *webtest.Browser) {
	h := newHarness(t)
	c := newClinic(t, h)
	pid := strconv.FormatInt(c.patient.ID, 10)
	reason := "Urgent medication question while the team is away"
	c.oc.do("POST", "/api/patients/"+pid+"/break-glass", breakGlassRequest{Reason: reason}).want(t, 201)
	c.ic.do("GET", "/api/patients/"+pid+"/care-team", nil).want(t, 200)
	h.createUser(account.RoleCounselor, "casey@clinic.example", "Casey Counselor")
	cc := h.client()
	cc.staff("casey@clinic.example")
	h.createUser(account.RoleAdmin, "ada@clinic.example", "Ada Admin")
	ac := h.client()
	ac.staff("ada@clinic.example")

	open := func(t *testing.T, as *client, name string) context.Context {
		t.Helper()
		ctx := b.Tab(t, 60*time.Second)
		base, _ := url.Parse(h.ts.URL)
		var token string
		for _, ck := range as.http.Jar.Cookies(base) {
			if ck.Name == SessionCookie {
				token = ck.Value
			}
		}
		if err := webtest.SetCookie(ctx, h.ts.URL, SessionCookie, token); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
			chromedp.EmulateViewport(360, 740),
			chromedp.Navigate(h.ts.URL+"/home"))
		waitHeading(t, ctx, "Hello, "+name)
		return ctx
	}

	t.Run("counselor", func(t *testing.T) {
		ctx := open(t, cc, "Casey Counselor")
		waitJS(t, ctx, `document.querySelector('.role-badge').textContent === 'Crisis counselor'`)
		do(t, ctx, chromedp.WaitVisible(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.ID("sign-out-everywhere")))
		auditPage(t, ctx, "counselor home")
		noCSPViolations(t, ctx)
	})

	t.Run("admin", func(t *testing.T) {
		ctx := open(t, ac, "Ada Admin")
		waitJS(t, ctx, `document.querySelectorAll('#user-list > li').length === 6`)
		auditPage(t, ctx, "admin home")
		keep(t, ctx, "phone-admin-home.png")

		// Disable the outside clinician, confirming in place.
		do(t, ctx, chromedp.Click(chromedp.CSS(`button[aria-label="Disable Dr Outside"]`)))
		do(t, ctx, chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('#user-list button')].find((b) => b.textContent === 'Yes, disable Dr Outside')`)))
		waitJS(t, ctx, `document.querySelector('[role=status]').textContent.includes('Dr Outside is disabled')`)
		c.oc.do("GET", "/api/me", nil).want(t, 401)

		// Invite a patient; the link is shown once.
		do(t, ctx,
			chromedp.SendKeys(chromedp.CSS(`#invite-h ~ form input[name="display_name"]`), "Robin Invitee"),
			chromedp.SendKeys(chromedp.CSS(`#invite-h ~ form input[name="email"]`), "robin@example.org"),
			chromedp.Click(chromedp.CSS(`#invite-h ~ form button[type="submit"]`)))
		waitJS(t, ctx, `document.querySelector('.invite-result .secret') && document.querySelector('.invite-result .secret').textContent.startsWith(`+jsString(h.ts.URL+"/invite#")+`)`)
		auditPage(t, ctx, "admin home after invitation")
		noCSPViolations(t, ctx)

		// The invitee opens the link, chooses a password, and is sent to
		// sign in; the token leaves the address bar at once.
		link := run(t, ctx, chromedp.Evaluate[string](`document.querySelector('.invite-result .secret').textContent`))
		inv := b.Tab(t, 60*time.Second)
		do(t, inv, chromedp.EmulateViewport(360, 740), chromedp.Navigate(link))
		waitHeading(t, inv, "Create your Haven account")
		if loc := run(t, inv, chromedp.Location()); strings.Contains(loc, "#") {
			t.Fatalf("the token stayed in the address bar: %s", loc)
		}
		auditPage(t, inv, "invitation")
		do(t, inv,
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
			chromedp.SendKeys(chromedp.CSS(`input[name="confirm"]`), testPassword),
			chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
		waitHeading(t, inv, "Sign in to Haven")
		waitJS(t, inv, `document.querySelector('.notice').textContent.includes('Your account is ready')`)
		if h.client().signIn("robin@example.org") != "full" {
			t.Fatal("the invited patient cannot sign in")
		}
	})
	t.Run("patient", func(t *testing.T) {
		ctx := open(t, c.pc, "Pat Lee")
		waitJS(t, ctx, `document.body.textContent.includes(`+jsString(reason)+`)`)
		waitJS(t, ctx, `[...document.querySelectorAll('#views-h ~ ul li')].some((li) => li.textContent.includes('Dr Inside') && li.textContent.includes('Viewed your record'))`)
		waitJS(t, ctx, `[...document.querySelectorAll('#team-h ~ ul li')].some((li) => li.textContent.includes('Dr Inside'))`)
		auditPage(t, ctx, "patient home")
		keep(t, ctx, "phone-patient-home.png")

		// A patient may choose two-step sign-in, or not now.
		do(t, ctx, chromedp.Click(chromedp.CSS(`a[href="/mfa/setup"]`)))
		waitHeading(t, ctx, "Set up two-step sign-in")
		auditPage(t, ctx, "patient enrollment")
		do(t, ctx, chromedp.Click(chromedp.CSS(`main a[href="/home"]`)))
		waitHeading(t, ctx, "Hello, Pat Lee")

		// Left idle, the page returns to sign-in and says why.
		h.clock.Advance(16 * time.Minute)
		do(t, ctx, chromedp.Reload())
		waitHeading(t, ctx, "Sign in to Haven")
		waitJS(t, ctx, `document.querySelector('.notice').textContent.includes('ended after 15 minutes without activity')`)
		keep(t, ctx, "phone-session-ended.png")
		noCSPViolations(t, ctx)
	})

}

func jsString(s string) string {
	q := strconv.Quote(s)
	return q
}

func noCSPViolations(t *testing.T, ctx context.Context) {
	t.Helper()
	if v, err := webtest.CSPViolations(ctx); err != nil || len(v) > 0 {
		t.Fatalf("CSP violations: %v %v", v, err)
	}
}
