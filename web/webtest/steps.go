package webtest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// WaitTimeout bounds each wait for the page.
const WaitTimeout = 20 * time.Second

// Do runs browser steps in the tab and fails the test on the first error.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Eval evaluates a JavaScript expression in the tab and returns its value.
func Eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// WaitJS waits until a JavaScript expression is truthy in the tab.
func WaitJS(t testing.TB, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(WaitTimeout))); err != nil {
		t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// WaitHeading waits until the page's h1 contains text.
func WaitHeading(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	q, _ := json.Marshal(text)
	WaitJS(t, ctx, `document.querySelector('h1') && document.querySelector('h1').textContent.includes(`+string(q)+`)`)
}
