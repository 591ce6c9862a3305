package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"haven/portal/account"
	"haven/web/webtest"
)

// signInDemoUser signs a demo person in on the tab (whose page may be
// anywhere): their password, and for staff a TOTP code from the secret the
// demo printed (srv.Stdout) and saved (secrets). It returns once their home
// page greets them.
func signInDemoUser(t *testing.T, ctx context.Context, srv *runningServer, secrets map[string]string, p demoPerson) {
	t.Helper()
	webtest.Do(t, ctx, chromedp.Navigate(srv.URL+"/signin"))
	webtest.WaitHeading(t, ctx, "Sign in to Haven")
	webtest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), p.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), p.Password),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)))
	if p.Role != account.RolePatient {
		secret := secrets[p.Email]
		if secret == "" || !strings.Contains(srv.Stdout, secret) {
			t.Fatalf("no printed TOTP secret for %s", p.Email)
		}
		// The demo enrolled with the current time step; a phone shows the
		// next one half a minute later, which the server's ±1 step window
		// accepts.
		code, err := account.TOTPCode(secret, time.Now().Add(30*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		webtest.WaitHeading(t, ctx, "Enter your sign-in code")
		webtest.Do(t, ctx,
			chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), code),
			chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	}
	webtest.WaitHeading(t, ctx, "Hello, "+p.Name)
}

// demoPersonNamed returns the demo cast member with key (for example
// "maya"), failing the test if there is none.
func demoPersonNamed(t *testing.T, key string) demoPerson {
	t.Helper()
	for _, p := range demoClinic {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("no demo person %q", key)
	return demoPerson{}
}

// demoInBrowser starts the README's run command (portal demo) through run
// and a headless Chromium, for journeys across several people's tabs. It
// returns the server, the staff TOTP secrets the demo wrote, and the
// browser.
func demoInBrowser(t *testing.T) (*runningServer, map[string]string, *webtest.Browser) {
	t.Helper()
	env := newTestEnv(t)
	srv := env.startServer(t, "demo")
	secrets := readDemoSecrets(filepath.Join(env.vars["HAVEN_DATA_DIR"], "demo-totp.txt"))
	return srv, secrets, webtest.StartBrowser(t)
}
