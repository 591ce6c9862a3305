package fhir

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"haven/portal/account"
)

// Deps are a Server's collaborators. Every field but Messages, BaseURL, Now
// and Logger is required.
type Deps struct {
	Accounts Accounts // *account.Service
	Visits   Visits   // *visits.Service
	Meds     Meds     // *meds.Service
	Measures Measures // *measures.Service
	Records  Records  // *records.Service
	// Messages is chat behind an adapter; nil serves no Communication.
	Messages Messages
	Audit    Auditor // *audit.Log
	// Actor returns the signed-in user of a request (the web package's
	// session), or false when there is none.
	Actor func(*http.Request) (account.Actor, bool)
	// BaseURL is the absolute URL of the FHIR base as clients see it
	// ("https://portal.example.org/fhir"), used in Bundle fullUrl and
	// links; "" derives it from each request's host.
	BaseURL string
	Now     func() time.Time
	Logger  *slog.Logger // ids only, never names or health information
}

// Server is the FHIR API as an http.Handler for paths under /fhir/. It is
// safe for concurrent use.
type Server struct {
	d   Deps
	mux *http.ServeMux
	now func() time.Time
	log *slog.Logger
}

// New returns the Server on d, or an error when a required dependency is
// missing.
func New(d Deps) (*Server, error) {
	if d.Accounts == nil || d.Visits == nil || d.Meds == nil || d.Measures == nil || d.Records == nil ||
		d.Audit == nil || d.Actor == nil {
		return nil, errors.New("fhir: Accounts, Visits, Meds, Measures, Records, Audit and Actor are required")
	}
	s := &Server{d: d, now: d.Now, log: d.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.d.BaseURL = strings.TrimRight(d.BaseURL, "/")
	s.mux = s.routes()
	return s, nil
}

// routes lists every endpoint. HEAD is served wherever GET is.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /fhir/metadata", s.metadata)
	mux.HandleFunc("GET /fhir/Patient/{id}/$everything", s.everything)
	mux.HandleFunc("GET /fhir/{type}/{id}", s.read)
	mux.HandleFunc("GET /fhir/{type}", s.search)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.fail(w, ErrUnknownRoute) })
	return mux
}

// ServeHTTP serves GET and HEAD; any other method gets 405 with an
// OperationOutcome: the API is read-only.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.fail(w, ErrMethod)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// baseURL is the FHIR base for r.
func (s *Server) baseURL(r *http.Request) string {
	if s.d.BaseURL != "" {
		return s.d.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/fhir"
}
