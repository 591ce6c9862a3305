package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"haven/portal/account"
	"haven/web/webtest"
)

// TestBrowser runs the browser journeys in one headless Chromium, each in
// its own browser context. Set HAVEN_SCREENSHOTS to a directory to keep
// screenshots of the pages.
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := webtest.StartBrowser(t)
	t.Run("clinician signs in with TOTP", func(t *testing.T) {
		t.Parallel()
		clinicianSignsInWithTOTP(t, b)
	})
	t.Run("role homes", func(t *testing.T) {
		t.Parallel()
		roleHomes(t, b)
	})
}

// clinicianSignsInWithTOTP drives a clinician's first sign-in (TOTP
// enrollment with the secret read off the page), sign-out, and a
// keyboard-only second sign-in through the TOTP challenge, at phone and
// desktop sizes, auditing accessibility and CSP on every page.
func clinicianSignsInWithTOTP(t *testing.T, b *webtest.Browser) {
	h := newHarness(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 360, 740}, {"desktop", 1280, 800}} {
		t.Run(size.name, func(t *testing.T) {
			email := size.name + "@clinic.example"
			h.createUser(account.RoleClinician, email, "Dr Rivera")
			ctx := b.Tab(t, 90*time.Second)
			do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return webtest.WatchCSP(ctx) }),
				chromedp.EmulateViewport(size.w, size.h),
				chromedp.Navigate(h.ts.URL+"/"))

			// First sign-in: password, then TOTP enrollment.
			waitHeading(t, ctx, "Sign in to Haven")
			auditPage(t, ctx, "sign-in")
			keep(t, ctx, size.name+"-signin.png")
			do(t, ctx,
				chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
				chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
				chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
			waitHeading(t, ctx, "Set up two-step sign-in")
			auditPage(t, ctx, "enrollment")
			keep(t, ctx, size.name+"-enroll.png")
			secret := run(t, ctx, chromedp.Evaluate[string](`document.getElementById('mfa-secret').dataset.secret`))
			shown := run(t, ctx, chromedp.Evaluate[string](`document.getElementById('mfa-secret').textContent`))
			if strings.ReplaceAll(shown, " ", "") != secret {
				t.Fatalf("secret shown as %q, want %q grouped", shown, secret)
			}
			do(t, ctx,
				chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), totpAt(t, secret, h.clock.Now())),
				chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
			waitHeading(t, ctx, "Save your recovery codes")
			auditPage(t, ctx, "recovery codes")
			if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('ul.codes li').length`)); n != 10 {
				t.Fatalf("%d recovery codes shown, want 10", n)
			}
			do(t, ctx, chromedp.Click(chromedp.ID("codes-saved")))
			waitHeading(t, ctx, "Hello, Dr Rivera")
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("patients-h")))
			auditPage(t, ctx, "clinician home")
			keep(t, ctx, size.name+"-home.png")
			if size.name == "phone" {
				// The service worker installed and keeps the app shell.
				cached := run(t, ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(async () =>
					!!(await caches.match('/assets/`+h.srv.ui.bundle+`/js/app.js')) && !!(await caches.match('/')))`, chromedp.EvalAwaitPromise))
				if !cached {
					t.Fatal("the service worker did not cache the app shell")
				}
			}

			// Sign out: back to sign-in, saying so.
			do(t, ctx, chromedp.Click(chromedp.ID("sign-out")))
			waitHeading(t, ctx, "Sign in to Haven")
			waitJS(t, ctx, `document.querySelector('.notice') && document.querySelector('.notice').textContent === 'You signed out.'`)

			// Second sign-in, keyboard only, through the TOTP challenge
			// with a code of a later time step.
			h.clock.Advance(30 * time.Second)
			do(t, ctx, chromedp.Navigate(h.ts.URL+"/signin"))
			waitHeading(t, ctx, "Sign in to Haven")
			key(t, ctx, kb.Tab)
			waitJS(t, ctx, `document.activeElement.classList.contains('skip-link')`)
			key(t, ctx, kb.Enter)
			waitJS(t, ctx, `document.activeElement.id === 'main'`)
			key(t, ctx, kb.Tab)
			waitJS(t, ctx, `document.activeElement.name === 'email'`)
			if style := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle`)); style == "none" {
				t.Fatal("the focused field shows no focus outline")
			}
			key(t, ctx, email)
			key(t, ctx, kb.Tab)
			waitJS(t, ctx, `document.activeElement.name === 'password'`)
			key(t, ctx, testPassword)
			key(t, ctx, kb.Enter)
			waitHeading(t, ctx, "Enter your sign-in code")
			auditPage(t, ctx, "challenge")
			key(t, ctx, kb.Tab)
			waitJS(t, ctx, `document.activeElement.name === 'code'`)
			key(t, ctx, totpAt(t, secret, h.clock.Now()))
			key(t, ctx, kb.Enter)
			waitHeading(t, ctx, "Hello, Dr Rivera")
			do(t, ctx, chromedp.WaitVisible(chromedp.ID("patients-h")))
			if loc := run(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/home") {
				t.Fatalf("landed on %s, want /home", loc)
			}
			if v, err := webtest.CSPViolations(ctx); err != nil || len(v) > 0 {
				t.Fatalf("CSP violations: %v %v", v, err)
			}
		})
	}
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	webtest.Do(t, ctx, steps...)
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// key types keys (text or kb constants) into whatever has focus.
func key(t *testing.T, ctx context.Context, keys string) {
	t.Helper()
	do(t, ctx, chromedp.KeyEvent(keys))
}

// waitJS waits until a JavaScript expression is truthy.
func waitJS(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	webtest.WaitJS(t, ctx, expr)
}

// waitHeading waits until the page's h1 contains text.
func waitHeading(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	webtest.WaitHeading(t, ctx, text)
}

// audit fails the test with the accessibility problems of the page.
func auditPage(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	problems, err := webtest.AuditA11y(ctx)
	if err != nil {
		t.Fatalf("audit %s: %v", page, err)
	}
	if len(problems) > 0 {
		t.Errorf("accessibility of %s:\n  %s", page, strings.Join(problems, "\n  "))
	}
}

// keep saves a screenshot in $HAVEN_SCREENSHOTS when it is set.
func keep(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if dir := os.Getenv("HAVEN_SCREENSHOTS"); dir != "" {
		webtest.ScreenshotTo(t, ctx, filepath.Join(dir, name))
	}
}
