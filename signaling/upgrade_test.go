package signaling

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestUpgradeRefused: unauthenticated and cross-origin upgrades are refused
// before any WebSocket exists; same-origin and configured origins pass.
func TestUpgradeRefused(t *testing.T) {
	checkGoroutines(t)
	n := startNode(t, Options{OriginHosts: []string{"portal.example.org"}})
	var connects atomic.Int32
	n.hub.OnConnect(func(context.Context, *Conn) { connects.Add(1) })
	host := strings.TrimPrefix(n.srv.URL, "http://")
	tests := []struct {
		name    string
		user    string
		hdr     []string
		wantErr string // substring of the dial error; "" for success
	}{
		{"no session", "", nil, "status 401"},
		{"cross origin", "1", []string{"Origin", "https://evil.example.com"}, "status 403"},
		{"lookalike origin", "1", []string{"Origin", "https://portal.example.org.evil.com"}, "status 403"},
		{"unauthenticated cross origin", "", []string{"Origin", "https://evil.example.com"}, "status 401"},
		{"same origin", "1", []string{"Origin", "http://" + host}, ""},
		{"public host", "1", []string{"Origin", "https://portal.example.org"}, ""},
		{"no origin (not a browser)", "1", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tryDial(n, tt.user, tt.hdr...)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				c.CloseNow()
				return
			}
			if err == nil {
				c.CloseNow()
				t.Fatal("upgrade accepted")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("dial error %v, want %s", err, tt.wantErr)
			}
		})
	}
	resp, err := http.Post(n.srv.URL+"/ws", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /ws: status %d, want 405", resp.StatusCode)
	}
	waitFor(t, "accepted connections to reach the hub", func() bool { return connects.Load() >= 3 })
	if got := connects.Load(); got != 3 {
		t.Errorf("%d connections reached the hub, want the 3 accepted", got)
	}
}

// TestOptionsRefuseWildcardOrigin: "*" is not accepted as an origin host.
func TestOptionsRefuseWildcardOrigin(t *testing.T) {
	if _, err := NewHub(Options{Auth: testAuth, OriginHosts: []string{"*"}}); err == nil {
		t.Error("NewHub accepted OriginHosts [\"*\"]")
	}
	if _, err := NewHub(Options{}); err == nil {
		t.Error("NewHub accepted no Authenticator")
	}
}
