package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// signInPatient creates a patient with the users command and signs in over
// HTTP, returning a client that carries the session cookie.
func signInPatient(t *testing.T, env *testEnv, srv *runningServer, email string) *http.Client {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("a calm long passphrase\n"), 0o600)
	if _, err := env.runCmd(t, "users", "add", "--role", "patient", "--email", email, "--name", "Pat", "--password-file", pw); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	body := `{"email":"` + email + `","password":"a calm long passphrase"}`
	resp, err := client.Post(srv.URL+"/api/session", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	return client
}

func TestServeMountsTheHubBehindTheSession(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	_, resp, err := websocket.Dial(ctx, wsURL, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("upgrade without a session: err %v, response %v; want 401", err, resp)
	}

	client := signInPatient(t, env, srv, "pat@example.org")
	u, _ := url.Parse(srv.URL)
	header := http.Header{"Cookie": {cookieHeader(client.Jar.Cookies(u))}}

	header.Set("Origin", "https://evil.example")
	_, resp, err = websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: header})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin upgrade: err %v, response %v; want 403", err, resp)
	}

	header.Set("Origin", srv.URL)
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		t.Fatalf("same-origin upgrade with a session: %v", err)
	}
	defer conn.CloseNow()
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type":"hello","id":"h1","data":{"protocol":1}}`)); err != nil {
		t.Fatal(err)
	}
	// Chat's resume answer comes first (chat/PROTOCOL.md), then welcome.
	var types []string
	for {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("after %v: %v", types, err)
		}
		var frame struct{ Type, ID string }
		if err := json.Unmarshal(msg, &frame); err != nil {
			t.Fatalf("frame %s: %v", msg, err)
		}
		types = append(types, frame.Type)
		if frame.Type == "welcome" {
			if frame.ID != "h1" {
				t.Fatalf("welcome answers %q, want h1", frame.ID)
			}
			break
		}
	}
	if !slices.Equal(types, []string{"chat.resume", "welcome"}) {
		t.Fatalf("answer to hello = %v, want chat.resume then welcome", types)
	}
}

func cookieHeader(cs []*http.Cookie) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}
