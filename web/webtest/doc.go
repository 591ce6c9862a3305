// Package webtest holds helpers for Haven's browser tests: starting
// headless Chromium through chromedp with a per-test profile, contexts with
// deadlines, screenshots on failure, and computing TOTP codes as an
// authenticator app would. Only tests import it.
package webtest
