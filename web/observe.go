package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"
)

// reqInfo is what the edge learns about a request as it passes through:
// filled in by inner handlers, read by the outer ones for logs and metrics.
type reqInfo struct {
	id     string
	route  string // the matched ServeMux pattern; "" when nothing matched
	userID int64  // 0 until a session is resolved
}

type reqInfoKey struct{}

func infoOf(ctx context.Context) *reqInfo {
	info, _ := ctx.Value(reqInfoKey{}).(*reqInfo)
	return info
}

// logAttrs returns the stable log keys of a request: request_id, route,
// user_id. Never bodies, never names.
func logAttrs(r *http.Request) []any {
	info := infoOf(r.Context())
	if info == nil {
		return nil
	}
	return []any{"request_id", info.id, "route", info.route, "user_id", info.userID}
}

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives each request an id (echoed as X-Request-Id), then records
// its status and latency by route pattern and logs one line per request.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{id: newRequestID()}
		r = r.WithContext(context.WithValue(r.Context(), reqInfoKey{}, info))
		w.Header().Set("X-Request-Id", info.id)
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.observe(info.route, status, elapsed)
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "http request",
			slog.String("request_id", info.id), slog.String("method", r.Method),
			slog.String("route", info.route), slog.Int("status", status),
			slog.Int64("user_id", info.userID), slog.Duration("elapsed", elapsed))
	})
}

// recorder remembers the status written through it. It unwraps for
// http.ResponseController and hijacks for WebSocket upgrades.
type recorder struct {
	http.ResponseWriter
	status int
}

func (rec *recorder) WriteHeader(code int) {
	if rec.status == 0 {
		rec.status = code
	}
	rec.ResponseWriter.WriteHeader(code)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// Flush forwards to the underlying writer when it can flush.
func (rec *recorder) Flush() {
	if f, ok := rec.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection to a WebSocket library; the request is then
// counted as 101 Switching Protocols.
func (rec *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(rec.ResponseWriter).Hijack()
	if err == nil && rec.status == 0 {
		rec.status = http.StatusSwitchingProtocols
	}
	return conn, brw, err
}

// recoverPanics turns a panic in a handler into a logged 500 with the usual
// error body. http.ErrAbortHandler is re-raised, as net/http expects.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.log.Error("panic in handler", append(logAttrs(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))...)
			s.writeError(w, r, errPanic)
		}()
		next.ServeHTTP(w, r)
	})
}
