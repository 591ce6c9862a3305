package push

import (
	"net"
	"net/http"
	"time"
)

// NewHTTPClient returns the client the sender uses by default: 5 s to
// connect, 5 s for the TLS handshake, 10 s for the whole request, no
// redirects followed (a redirect could point anywhere).
func NewHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: 10 * time.Second,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   32,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: refuseRedirect,
	}
}

// refuseRedirect makes a client return the redirect response unfollowed.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
