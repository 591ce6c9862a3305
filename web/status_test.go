package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"haven/portal/fault"
)

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		code, msg  string
		retryAfter string
		logged     bool
	}{
		{"invalid", fault.New(fault.Invalid, "Enter an email."), 400, "invalid", "Enter an email.", "", false},
		{"unauthenticated", fault.New(fault.Unauthenticated, "Please sign in."), 401, "unauthenticated", "Please sign in.", "", false},
		{"forbidden", fault.New(fault.Forbidden, "No."), 403, "forbidden", "No.", "", false},
		{"not found", fault.New(fault.NotFound, "No such thing."), 404, "not_found", "No such thing.", "", false},
		{"conflict", fault.New(fault.Conflict, "Changed."), 409, "conflict", "Changed.", "", false},
		{"too many", &fault.Error{Code: fault.TooMany, Message: "Slow down.", RetryAfter: 90500 * time.Millisecond}, 429, "too_many", "Slow down.", "91", false},
		{"too large", fault.New(fault.TooLarge, "Too big."), 413, "too_large", "Too big.", "", false},
		{"unavailable", &fault.Error{Code: fault.Unavailable, Message: "Try later.", RetryAfter: time.Second}, 503, "unavailable", "Try later.", "1", true},
		{"internal fault", fault.Wrap(fault.New(fault.Internal, "secret detail"), errors.New("db down")), 500, "internal", "internal error", "", true},
		{"unclassified", errors.New("pq: relation does not exist"), 500, "internal", "internal error", "", true},
		{"wrapped", fmt.Errorf("loading: %w", fault.New(fault.NotFound, "Gone.")), 404, "not_found", "Gone.", "", false},
		{"unsupported media", &statusError{status: 415, err: fault.New(fault.Invalid, "Send JSON.")}, 415, "invalid", "Send JSON.", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs strings.Builder
			s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
			w := httptest.NewRecorder()
			s.writeError(w, httptest.NewRequest("GET", "/api/x", nil), tc.err)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			var body errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body.Error.Code != tc.code || body.Error.Message != tc.msg {
				t.Fatalf("body %+v, want %s %q", body.Error, tc.code, tc.msg)
			}
			if got := w.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Fatalf("Retry-After %q, want %q", got, tc.retryAfter)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Fatal("error response is cacheable")
			}
			if logged := logs.Len() > 0; logged != tc.logged {
				t.Fatalf("logged = %v, want %v: %s", logged, tc.logged, logs.String())
			}
			if strings.Contains(w.Body.String(), "db down") || strings.Contains(w.Body.String(), "relation") {
				t.Fatalf("internal cause leaked: %s", w.Body.String())
			}
		})
	}
}

func TestEveryFaultCodeHasAStatus(t *testing.T) {
	t.Parallel()
	for c := fault.Internal; c <= fault.Unavailable; c++ {
		if _, ok := faultStatus[c]; !ok {
			t.Errorf("fault code %s has no HTTP status", c)
		}
	}
}

func TestPanicIsA500AndLogged(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.Handle("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }))
	r := h.client().do("GET", "/boom", nil).want(t, 500)
	if e := r.errorOf(t); e.Message != "internal error" {
		t.Fatalf("panic body %+v", e)
	}
	id := r.header.Get("X-Request-Id")
	logs := h.logs.String()
	if id == "" || !strings.Contains(logs, "panic in handler") || !strings.Contains(logs, "request_id="+id) || !strings.Contains(logs, "route=\"GET /boom\"") {
		t.Fatalf("panic not logged with request id %q and route:\n%s", id, logs)
	}
}

func TestUnknownAPIRoutesAnswerJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	if e := c.do("GET", "/api/nope", nil).want(t, 404).errorOf(t); e.Code != "not_found" {
		t.Fatalf("unknown route %+v", e)
	}
	r := c.do("PUT", "/api/session", nil).want(t, 405)
	if e := r.errorOf(t); e.Code != "invalid" || !strings.Contains(r.header.Get("Allow"), "POST") {
		t.Fatalf("wrong method %+v, Allow %q", e, r.header.Get("Allow"))
	}
}
