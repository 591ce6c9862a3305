package web

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"haven/portal/account"
	"haven/portal/fault"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config, _ *Deps) { c.HSTS = true })
	c := h.client()
	for _, path := range []string{"/signin", "/api/session", "/api/nope", "/healthz", "/sw.js", "/assets/" + h.srv.ui.bundle + "/app.css", "/no-such-page"} {
		r := c.do("GET", path, nil)
		want := map[string]string{
			"X-Content-Type-Options":     "nosniff",
			"Referrer-Policy":            "no-referrer",
			"Cross-Origin-Opener-Policy": "same-origin",
			"Strict-Transport-Security":  "max-age=63072000; includeSubDomains",
			"Permissions-Policy":         "camera=(self), microphone=(self), display-capture=(self), geolocation=(self), payment=(), usb=()",
		}
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
		csp := r.header.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
			"connect-src 'self' ws://" + h.srv.cfg.PublicURL.Host, "media-src 'self' blob:", "object-src 'none'",
			"base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP allows something unsafe: %q", path, csp)
		}
	}
	if cc := c.do("GET", "/api/session", nil).header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("API Cache-Control %q, want no-store", cc)
	}
}

func TestNoHSTSUnlessConfigured(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if v := h.client().do("GET", "/signin", nil).header.Get("Strict-Transport-Security"); v != "" {
		t.Fatalf("HSTS sent without TLS: %q", v)
	}
}

func TestCSPAllowsTheSecureWebSocketOrigin(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://portal.clinic.example")
	if csp := contentSecurityPolicy(u); !strings.Contains(csp, "connect-src 'self' wss://portal.clinic.example;") {
		t.Fatalf("CSP %q", csp)
	}
}

func TestCrossSiteStateChangesAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()
	body := signInRequest{Email: "pat@example.org", Password: testPassword}

	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://evil.example"},
	} {
		r := c.do("POST", "/api/session", body, hdr...).want(t, 403)
		if e := r.errorOf(t); e.Code != "forbidden" {
			t.Fatalf("%v: %+v", hdr, e)
		}
		if len(r.header.Values("Set-Cookie")) != 0 {
			t.Fatalf("%v: a refused request set a cookie", hdr)
		}
	}
	c.do("POST", "/api/session", body, "Sec-Fetch-Site", "same-origin").want(t, 200)
	c.do("POST", "/api/session", body, "Origin", h.ts.URL).want(t, 200)
	// Reads are never refused.
	c.do("GET", "/api/me", nil, "Sec-Fetch-Site", "cross-site").want(t, 200)
	c.do("DELETE", "/api/session", nil, "Sec-Fetch-Site", "cross-site").want(t, 403)
}

func TestPublicOriginIsTrustedBehindAProxy(t *testing.T) {
	t.Parallel()
	public, _ := url.Parse("https://portal.clinic.example")
	h := newHarness(t, func(c *Config, _ *Deps) { c.PublicURL = public })
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	// The proxy forwards to the test server's host; the browser's origin is
	// the public one.
	h.client().do("POST", "/api/session", signInRequest{Email: "pat@example.org", Password: testPassword},
		"Origin", "https://portal.clinic.example", "Sec-Fetch-Site", "cross-site").want(t, 200)
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	var ready error
	h := newHarness(t, func(_ *Config, d *Deps) {
		d.Ready = func(context.Context) error { return ready }
	})
	c := h.client()
	c.do("GET", "/healthz", nil).want(t, 200)
	c.do("GET", "/readyz", nil).want(t, 200)

	ready = fault.New(fault.Unavailable, "migrations pending: database at 3, binary at 5")
	var out map[string]string
	c.do("GET", "/readyz", nil).want(t, 503).decode(t, &out)
	if out["reason"] != "migrations pending: database at 3, binary at 5" {
		t.Fatalf("readyz %+v", out)
	}
	ready = errors.New("dial tcp 10.0.0.5:5432: connection refused")
	c.do("GET", "/readyz", nil).want(t, 503).decode(t, &out)
	if out["reason"] != "not ready" {
		t.Fatalf("unclassified readiness error shown: %+v", out)
	}
	c.do("GET", "/healthz", nil).want(t, 200)
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	extra := prometheus.NewCounter(prometheus.CounterOpts{Name: "haven_test_total", Help: "A process metric."})
	reg.MustRegister(extra)
	h := newHarness(t, func(_ *Config, d *Deps) { d.Gatherer = reg })
	c := h.client()
	c.do("GET", "/healthz", nil)
	c.do("GET", "/api/patients/12345/care-team", nil)
	c.do("GET", "/does/not/exist/123", nil)
	body := string(c.do("GET", "/metrics", nil).want(t, 200).body)
	for _, want := range []string{
		`http_requests_total{code="200",route="GET /healthz"} 1`,
		`http_requests_total{code="401",route="GET /api/patients/{id}/care-team"} 1`,
		`http_requests_total{code="404",route="unmatched"} 1`,
		`http_request_duration_seconds_bucket{code="200",route="GET /healthz",le="+Inf"} 1`,
		`haven_test_total 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "12345") {
		t.Error("metrics carry an id from a path")
	}
}
