package web

import (
	"context"
	"net/http"
	"time"

	"haven/portal/fault"
)

// handleHealthz answers 200 while the process is up; it checks nothing else.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz answers 200 when the readiness check passes, else 503 with
// the check's user-safe reason ("not ready" when it gave none).
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.deps.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := s.deps.Ready(ctx); err != nil {
			reason := "not ready"
			if fault.CodeOf(err) != fault.Internal {
				reason = fault.MessageOf(err)
			}
			s.log.Warn("not ready", append(logAttrs(r), "err", err)...)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reason})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
