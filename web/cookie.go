package web

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// SessionCookie is the name of the cookie carrying the session token.
const SessionCookie = "haven_session"

// cookieJar writes the session cookie: HttpOnly, SameSite=Lax, Path=/,
// Secure per configuration.
type cookieJar struct {
	secure bool
	maxAge time.Duration
}

// set stores token in the session cookie. It lives as long as the absolute
// session limit; the server ends the session sooner when it is idle.
func (c cookieJar) set(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/",
		MaxAge: int(c.maxAge.Seconds()), HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}

// clear removes the session cookie from the browser.
func (c cookieJar) clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/",
		MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}

// sessionToken returns the request's session token, or "" without one.
func sessionToken(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// clientIP returns the address the request came from. Behind a trusted
// proxy it is the last X-Forwarded-For entry (the one the proxy added);
// otherwise the connection's peer.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.BehindProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
