package web

import (
	"net/http"
	"net/url"
	"strings"
)

// contentSecurityPolicy builds the CSP for the public URL: everything from
// this origin only, WebSockets to this origin's ws/wss form, no inline
// script or style anywhere, no framing, no plugins.
func contentSecurityPolicy(public *url.URL) string {
	ws := "ws://"
	if public.Scheme == "https" {
		ws = "wss://"
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src 'self' data: blob:",
		"connect-src 'self' " + ws + public.Host,
		"media-src 'self' blob:",
		"font-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// securityHeaders sets the headers every response carries. Cache-Control
// defaults to no-store; the static asset handler overrides it.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	csp := contentSecurityPolicy(s.cfg.PublicURL)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		if s.cfg.HSTS {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self), geolocation=(self), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// crossOriginProtection refuses state-changing requests (any method but
// GET, HEAD and OPTIONS) that a browser marks as cross-site, trusting the
// public URL's origin in addition to the request's own host. Refusals are
// 403 with the usual error body.
func (s *Server) crossOriginProtection() (*http.CrossOriginProtection, error) {
	c := http.NewCrossOriginProtection()
	origin := s.cfg.PublicURL.Scheme + "://" + s.cfg.PublicURL.Host
	if err := c.AddTrustedOrigin(origin); err != nil {
		return nil, err
	}
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errCrossOrigin)
	}))
	return c, nil
}
