package webtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium process for a test.
type Browser struct {
	t      testing.TB
	ctx    context.Context // the browser's root context
	cancel context.CancelFunc
}

// StartBrowser starts headless Chromium with a fresh profile in a temporary
// directory and stops it when the test ends. Without /usr/bin/chromium the
// test is skipped, unless the environment has CI=true, where a missing
// browser fails the test.
func StartBrowser(t testing.TB, extra ...chromedp.ExecAllocatorOption) *Browser {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("webtest: %s is missing and CI=true: install Debian's chromium package", ChromiumPath)
		}
		t.Skipf("webtest: %s is missing; install Debian's chromium package to run browser tests", ChromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
	}
	opts = append(opts, extra...)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		acancel()
		t.Fatalf("webtest: start chromium: %v", err)
	}
	b := &Browser{t: t, ctx: ctx, cancel: func() { cancel(); acancel() }}
	t.Cleanup(b.cancel)
	return b
}

// Tab opens a new tab in a browser context of its own (cookies and storage
// are not shared with other tabs, as in a private window) with a deadline;
// it closes when the test ends. On failure of the
// test, a screenshot of the tab is saved in a temporary directory and its
// path logged.
func (b *Browser) Tab(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	tab, closeTab := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tab); err != nil {
		closeTab()
		t.Fatalf("webtest: open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, timeout)
	dir, name := t.TempDir(), "failure.png"
	if keep := os.Getenv("HAVEN_SCREENSHOTS"); keep != "" {
		dir, name = keep, "failure-"+strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())+".png"
	}
	t.Cleanup(func() {
		if t.Failed() {
			ScreenshotTo(t, tab, filepath.Join(dir, name))
		}
		cancel()
		closeTab()
	})
	return ctx
}

// ScreenshotTo saves a full-page PNG of the tab at path and logs the path.
// Errors are logged, not fatal: it is called while reporting other failures.
func ScreenshotTo(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("webtest: screenshot: %v", err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("webtest: screenshot: %v", err)
		return
	}
	t.Logf("webtest: screenshot saved to %s", path)
}

// SetCookie gives the tab's browser context a cookie for pageURL, for
// example a session opened through the API, so a test can start signed in.
func SetCookie(ctx context.Context, pageURL, name, value string) error {
	httpOnly := true
	_, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
		Name: name, Value: value, URL: pageURL, Path: "/", HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
	})
	return err
}
