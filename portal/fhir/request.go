package fhir

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/fault"
	"haven/portal/measures"
)

// ActionRead is the audit action of every FHIR read, search and $everything.
const ActionRead = "fhir.read"

// request is one signed-in FHIR request being answered.
type request struct {
	s        *Server
	ctx      context.Context
	actor    account.Actor
	base     string
	self     string // the request's absolute URL
	now      time.Time
	params   map[string]string
	elements elementSet // nil unless _elements was given
	people   map[int64]account.Account
	// staff and staffOrder are the practitioners referenced so far.
	staff      map[int64]bool
	staffOrder []int64
	visitTypes map[int64]map[int64]string  // clinician → visit type → name
	points     map[string][]measures.Point // instrument → series
}

// handler answers a request with a resource or Bundle and the patient it
// concerns (0 when none, or not yet known when it fails).
type handler func(rq *request) (body any, patientID int64, err error)

// serve runs h for a signed-in actor with the query parameters allowed
// (plus _format), records the one fhir.read audit row, and writes the answer
// only once the row is written.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, target string, allowed []string, h handler) {
	actor, ok := s.d.Actor(r)
	if !ok {
		s.fail(w, ErrSignIn)
		return
	}
	rq := &request{s: s, ctx: r.Context(), actor: actor, base: s.baseURL(r), now: s.now(),
		people: map[int64]account.Account{}}
	rq.self = rq.base + strings.TrimPrefix(r.URL.EscapedPath(), "/fhir")
	if r.URL.RawQuery != "" {
		rq.self += "?" + r.URL.RawQuery
	}
	var body any
	var patientID int64
	err := rq.parseQuery(r.URL.RawQuery, allowed)
	if err == nil {
		body, patientID, err = h(rq)
	}
	if aerr := s.record(rq.ctx, actor, patientID, target, err); aerr != nil {
		s.log.ErrorContext(rq.ctx, "fhir: audit failed", "actor_id", actor.UserID, "patient_id", patientID, "err", aerr)
		s.fail(w, aerr)
		return
	}
	if err != nil {
		if fault.CodeOf(err) == fault.Internal {
			s.log.ErrorContext(rq.ctx, "fhir: request failed", "actor_id", actor.UserID, "patient_id", patientID,
				"target", target, "err", err)
		}
		s.fail(w, err)
		return
	}
	s.write(w, http.StatusOK, body)
}

// parseQuery checks the query: only allowed parameters and _format, each
// at most once; _format must ask for JSON; _elements must be well formed.
func (rq *request) parseQuery(raw string, allowed []string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return ErrBadQuery
	}
	rq.params = make(map[string]string, len(q))
	for k, vs := range q {
		if k != "_format" && !contains(allowed, k) {
			return ErrUnknownParam
		}
		if len(vs) != 1 {
			return ErrRepeatedParam
		}
		rq.params[k] = vs[0]
	}
	if f, ok := rq.params["_format"]; ok && !jsonFormat(f) {
		return ErrBadFormat
	}
	if e, ok := rq.params["_elements"]; ok {
		if rq.elements, err = parseElements(e); err != nil {
			return err
		}
	}
	return nil
}

func jsonFormat(f string) bool {
	switch f {
	case "json", "application/json", "application/fhir+json":
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// record writes the fhir.read row of a request: ok, denied (a Forbidden
// error) or failed.
func (s *Server) record(ctx context.Context, actor account.Actor, patientID int64, target string, err error) error {
	outcome := audit.OK
	switch {
	case err == nil:
	case fault.CodeOf(err) == fault.Forbidden:
		outcome = audit.Denied
	default:
		outcome = audit.Failed
	}
	e := actor.AuditEntry(ActionRead, patientID, target)
	e.Outcome = outcome
	if err := s.d.Audit.Record(context.WithoutCancel(ctx), e); err != nil {
		return fmt.Errorf("fhir: audit: %w", err)
	}
	return nil
}

// write sends v as FHIR JSON. Health information is never cached.
func (s *Server) write(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	b := buf.Bytes()
	if err != nil {
		s.log.Error("fhir: encode", "err", err)
		status, b = http.StatusInternalServerError, mustOutcome(errors.New("encode"))
	}
	h := w.Header()
	h.Set("Content-Type", "application/fhir+json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// fail sends err as an OperationOutcome with its status.
func (s *Server) fail(w http.ResponseWriter, err error) {
	status, oo := outcomeOf(err)
	s.write(w, status, oo)
}

// mustOutcome encodes the OperationOutcome of err; it cannot fail.
func mustOutcome(err error) []byte {
	_, oo := outcomeOf(err)
	b, _ := json.Marshal(oo)
	return b
}
