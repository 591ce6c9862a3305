package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultBodyLimit is the largest JSON request body accepted when
// Config.BodyLimit is zero.
const DefaultBodyLimit = 1 << 20

// Config is the edge's share of the configuration, parsed once in cmd/portal.
type Config struct {
	// PublicURL is where users reach Haven (scheme and host). Its origin is
	// trusted for cross-origin checks and its ws/wss origin is allowed by
	// the CSP's connect-src. Required.
	PublicURL *url.URL
	// SecureCookies marks the session cookie Secure. It should be true
	// unless PublicURL is plain http on a loopback host.
	SecureCookies bool
	// HSTS sends Strict-Transport-Security: set it when TLS is served by
	// Haven or by a proxy in front of it.
	HSTS bool
	// BodyLimit caps JSON request bodies in bytes; 0 means DefaultBodyLimit.
	BodyLimit int64
	// BehindProxy trusts the last X-Forwarded-For entry as the client's
	// address (for sign-in rate limits and the audit log).
	BehindProxy bool
	// SessionIdle and SessionMax must equal the account service's idle and
	// absolute session limits (0 means 15 minutes and 12 hours): the edge
	// names them when it says why a session ended, the UI returns to
	// sign-in on its own after SessionIdle, and the cookie lives SessionMax.
	SessionIdle, SessionMax time.Duration
	// EmergencyNumber is the local emergency number the crisis page and
	// the page footer show and link (tel:); "" means 911. Digits only.
	EmergencyNumber string
}

// Deps are the services the edge calls. Accounts, AccessLog and Logger are
// required; Ready, Gatherer and Push may be nil.
type Deps struct {
	Accounts  Accounts
	AccessLog AccessLog
	Logger    *slog.Logger
	// Ready reports whether the node can serve: PostgreSQL reachable and
	// migrations current. It should return a *fault.Error (Unavailable)
	// whose message names the reason; other errors are logged and shown
	// as "not ready". Nil means always ready.
	Ready func(context.Context) error
	// Gatherer supplies the process's metrics for /metrics, in addition to
	// the edge's own request metrics. Nil serves the edge's metrics only.
	Gatherer prometheus.Gatherer
	// Push serves /api/push/…: the VAPID key, devices and notification
	// preferences. Nil answers those routes 503 "notifications are not
	// available".
	Push Push
	// Measures serves questionnaires, scores and mood check-ins;
	// Records serves notes, treatment and safety plans, emergency contacts
	// and resources. Either nil answers its routes 503 "… not available".
	Measures Measures
	Records  Records
	// Visits serves appointments, availability, visit types, the waitlist
	// and video room admission; Meds serves medication lists, reminders,
	// refills and adherence. Either nil answers its routes 503 "… not
	// available".
	Visits Visits
	Meds   Meds
	// Crisis serves the crisis button, the patient's request state, the
	// counselor console and clinicians' manual escalations (/api/crisis/…).
	// Nil answers those routes 503 "crisis alerts are not available"; the
	// crisis page still shows 988 and the emergency number.
	Crisis Crisis
	// Video serves video sessions (/api/video/…; the call itself runs
	// over the hub's media.* frames). Nil answers those routes 503 "video
	// is not available".
	Video Video
}

// Server is the HTTP edge. It is an http.Handler; routes can be added with
// Handle until the first request is served.
type Server struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *httpMetrics
	ui      *assets
	cookie  cookieJar
}

// New builds the edge from explicit configuration and dependencies. It
// fails when a required field is missing or the public URL is unusable.
func New(cfg Config, deps Deps) (*Server, error) {
	if cfg.PublicURL == nil || (cfg.PublicURL.Scheme != "http" && cfg.PublicURL.Scheme != "https") || cfg.PublicURL.Host == "" {
		return nil, errors.New("web: Config.PublicURL must be an http(s) URL with a host")
	}
	if deps.Accounts == nil || deps.AccessLog == nil || deps.Logger == nil {
		return nil, errors.New("web: Deps.Accounts, Deps.AccessLog and Deps.Logger are required")
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 15 * time.Minute
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	ui, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("web: ui: %w", err)
	}
	if cfg.EmergencyNumber, err = ui.useEmergencyNumber(cfg.EmergencyNumber); err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		deps:    deps,
		log:     deps.Logger,
		mux:     http.NewServeMux(),
		metrics: newHTTPMetrics(),
		ui:      ui,
		cookie:  cookieJar{secure: cfg.SecureCookies, maxAge: cfg.SessionMax},
	}
	csrf, err := s.crossOriginProtection()
	if err != nil {
		return nil, err
	}
	s.routes()
	s.handler = s.observe(s.recoverPanics(s.securityHeaders(csrf.Handler(s.apiMisses(s.mux)))))
	return s, nil
}

// ServeHTTP serves one request through the middleware and routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Handle mounts h at pattern (a ServeMux pattern such as "GET /ws") behind
// the edge's middleware: security headers, cross-origin protection for
// unsafe methods, panic recovery and metrics labelled by pattern. It does
// not authenticate: wrap h with RequireUser for that. Call it before the
// server starts serving; it panics on a pattern that conflicts with an
// existing route, as ServeMux does.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, routed(h))
}

// routed records the matched route pattern for logs and metrics, since the
// mux sets it on the request it passes down, not on the caller's copy.
func routed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := infoOf(r.Context()); info != nil {
			info.route = r.Pattern
		}
		h.ServeHTTP(w, r)
	})
}
