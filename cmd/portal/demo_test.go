package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"haven/portal/account"
	"haven/web/webtest"
)

// TestDemoUsersSignInInABrowser starts the README's run command (portal
// demo) through run, then signs in as every demo user in headless Chromium:
// patients with their password, staff with their password and a TOTP code
// computed from the secret the demo printed.
func TestDemoUsersSignInInABrowser(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "demo")
	for _, p := range demoClinic {
		if !strings.Contains(srv.Stdout, p.Email) || !strings.Contains(srv.Stdout, p.Password) {
			t.Fatalf("demo did not print the login of %s", p.Email)
		}
	}
	secrets := readDemoSecrets(filepath.Join(env.vars["HAVEN_DATA_DIR"], "demo-totp.txt"))
	b := webtest.StartBrowser(t)
	for _, p := range demoClinic {
		t.Run(string(p.Role)+"/"+p.Key, func(t *testing.T) {
			ctx := b.Tab(t, 60*time.Second)
			webtest.Do(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(srv.URL+"/signin"))
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
				// The demo enrolled with the current time step; a phone
				// shows the next one half a minute later, which the
				// server's ±1 step window accepts.
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
		})
	}
}
