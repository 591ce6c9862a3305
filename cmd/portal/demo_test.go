package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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
			webtest.Do(t, ctx, chromedp.EmulateViewport(360, 740))
			signInDemoUser(t, ctx, srv, secrets, p)
		})
	}
}
