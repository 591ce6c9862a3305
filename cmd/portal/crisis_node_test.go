package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"haven/portal/account"
	"haven/signaling/wsclient"
)

// TestCrisisNodeButtonToConversation drives the crisis path through a
// running node (`portal serve` via run), only over HTTP and /ws as a
// browser would: two counselors sign in with TOTP and switch on call, the
// patient presses the crisis button, both counselors' sockets receive the
// offer naming the escalation, the patient's request reads "alerted", the
// first claim wins and the second is told it is taken (409 and
// crisis.taken), the patient's request then names the counselor and the
// crisis conversation, and patient and counselor exchange one message each
// in it over their WebSockets. A cross-site press is refused first.
func TestCrisisNodeButtonToConversation(t *testing.T) {
	env, srv, patient, patientID := servePatient(t, "crisis-pat@example.org")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cora, coraID := cnCounselor(t, env, srv, "cora@clinic.example", "Cora Counselor")
	dan, _ := cnCounselor(t, env, srv, "dan@clinic.example", "Dan Counselor")

	var mine cnRequest
	patient.want("GET", "/api/crisis/mine", nil, http.StatusOK, &mine)
	if mine.Open || mine.EscalationID != 0 {
		t.Fatalf("before any press /api/crisis/mine = %+v, want nothing open", mine)
	}
	for _, c := range []*cnClient{cora, dan} {
		var st struct {
			OnCall bool `json:"on_call"`
		}
		c.want("PUT", "/api/crisis/oncall", map[string]string{"switch": "on"}, http.StatusOK, &st)
		if !st.OnCall {
			t.Fatal("a counselor who switched on is not on call")
		}
	}
	coraWS, danWS, patWS := cora.dial(ctx), dan.dial(ctx), patient.dial(ctx)

	// A press from another site is refused and raises nothing.
	if code, body := patient.do("POST", "/api/crisis", nil, "https://evil.example"); code != http.StatusForbidden {
		t.Fatalf("cross-site crisis press = %d %s, want 403", code, body)
	}
	patient.want("GET", "/api/crisis/mine", nil, http.StatusOK, &mine)
	if mine.Open {
		t.Fatalf("a cross-site press opened a request: %+v", mine)
	}

	// The press reaches both on-call counselors' sockets.
	var pressed cnRequest
	patient.want("POST", "/api/crisis", nil, http.StatusCreated, &pressed)
	id := pressed.EscalationID
	if id == 0 || !pressed.Open {
		t.Fatalf("crisis press answered %+v, want an open request", pressed)
	}
	for name, ws := range map[string]*cnSocket{"first": coraWS, "second": danWS} {
		offer := ws.await(ctx, "crisis.offer for "+name+" counselor", cnEscalation("crisis.offer", id))
		if tier := cnInt(t, offer.Data, "tier"); tier != 1 {
			t.Fatalf("offer to the %s counselor is for tier %d, want 1", name, tier)
		}
	}
	patient.want("GET", "/api/crisis/mine", nil, http.StatusOK, &mine)
	if !mine.Open || mine.EscalationID != id || mine.Status != "alerted" || mine.CounselorName != "" {
		t.Fatalf("after the offer /api/crisis/mine = %+v, want escalation %d open and alerted", mine, id)
	}

	// The first claim wins; the second counselor is told it is taken.
	var claim struct {
		EscalationID    int64  `json:"escalation_id"`
		State           string `json:"state"`
		ConversationRef string `json:"conversation_ref"`
	}
	claimPath := "/api/crisis/" + strconv.FormatInt(id, 10) + "/claim"
	cora.want("POST", claimPath, nil, http.StatusOK, &claim)
	if claim.EscalationID != id || claim.State != "in_conversation" || claim.ConversationRef == "" {
		t.Fatalf("claim = %+v, want escalation %d in conversation", claim, id)
	}
	code, body := dan.do("POST", claimPath, nil, srv.URL)
	var refusal struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(body, &refusal)
	if code != http.StatusConflict || refusal.Error.Message != "Another counselor has already taken this" {
		t.Fatalf("second claim = %d %s, want 409 taken", code, body)
	}
	danWS.await(ctx, "crisis.taken for the second counselor", cnEscalation("crisis.taken", id))
	patWS.await(ctx, "crisis.status joined for the patient", func(f wsclient.Frame) bool {
		return cnEscalation("crisis.status", id)(f) && strings.Contains(string(f.Data), `"status":"joined"`)
	})

	patient.want("GET", "/api/crisis/mine", nil, http.StatusOK, &mine)
	if !mine.Open || mine.EscalationID != id || mine.Status != "joined" || mine.CounselorName != "Cora Counselor" ||
		mine.ConversationRef != claim.ConversationRef {
		t.Fatalf("after the claim /api/crisis/mine = %+v, want joined by Cora Counselor in conversation %s", mine, claim.ConversationRef)
	}

	// One message each way in the crisis conversation.
	conv, err := strconv.ParseInt(claim.ConversationRef, 10, 64)
	if err != nil {
		t.Fatalf("conversation_ref %q is not a conversation id", claim.ConversationRef)
	}
	exchange := []struct {
		from, to     *cnSocket
		sender       int64
		clientID, tx string
	}{
		{coraWS, patWS, coraID, "counselor-1", "Hello, this is Cora."},
		{patWS, coraWS, patientID, "patient-1", "Hi Cora."},
	}
	for _, m := range exchange {
		ok := m.from.request(ctx, "chat.send", map[string]any{"conversation": conv, "client_id": m.clientID, "body": m.tx})
		if cnInt(t, ok.Data, "seq") <= 0 {
			t.Fatalf("chat.send of %s answered %s, want a sequence number", m.clientID, ok.Data)
		}
		got := m.to.await(ctx, "chat.message "+m.clientID, func(f wsclient.Frame) bool {
			return f.Type == "chat.message" && strings.Contains(string(f.Data), `"client_id":"`+m.clientID+`"`)
		})
		var msg struct {
			Conversation int64  `json:"conversation"`
			Sender       int64  `json:"sender"`
			Body         string `json:"body"`
		}
		if err := json.Unmarshal(got.Data, &msg); err != nil || msg.Conversation != conv || msg.Sender != m.sender || msg.Body != m.tx {
			t.Fatalf("chat.message %s = %s (%v), want conversation %d from user %d with the sent body", m.clientID, got.Data, err, conv, m.sender)
		}
	}
}

// servePatient starts `portal serve` through run and signs in a new patient
// with email over HTTP; it returns the test's environment and server, the
// patient's client and their user id.
func servePatient(t *testing.T, email string) (*testEnv, *runningServer, *cnClient, int64) {
	t.Helper()
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	patient := &cnClient{t: t, base: srv.URL, http: signInPatient(t, env, srv, email)}
	var me struct {
		ID int64 `json:"id"`
	}
	patient.want("GET", "/api/me", nil, http.StatusOK, &me)
	return env, srv, patient, me.ID
}

// cnRequest is the patient's view of their crisis request
// (GET /api/crisis/mine, POST /api/crisis).
type cnRequest struct {
	Open            bool   `json:"open"`
	EscalationID    int64  `json:"escalation_id"`
	Status          string `json:"status"`
	CounselorName   string `json:"counselor_name"`
	ConversationRef string `json:"conversation_ref"`
}

// cnClient is one signed-in browser session against the test server.
type cnClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// do sends a JSON request (no body when in is nil) with origin as its
// Origin header (none when empty) and returns the status and body.
func (c *cnClient) do(method, path string, in any, origin string) (int, []byte) {
	c.t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			c.t.Fatal(err)
		}
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// want sends a same-origin request, requires status and decodes the
// answer into out (when not nil).
func (c *cnClient) want(method, path string, in any, status int, out any) {
	c.t.Helper()
	code, body := c.do(method, path, in, c.base)
	if code != status {
		c.t.Fatalf("%s %s = %d %s, want %d", method, path, code, body, status)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, body)
		}
	}
}

// dial opens /ws with the session's cookie, says hello and waits for
// welcome.
func (c *cnClient) dial(ctx context.Context) *cnSocket {
	c.t.Helper()
	u, _ := url.Parse(c.base)
	header := http.Header{"Cookie": {cookieHeader(c.http.Jar.Cookies(u))}, "Origin": {c.base}}
	ws, _, err := wsclient.Dial(ctx, "ws"+strings.TrimPrefix(c.base, "http")+"/ws", &websocket.DialOptions{HTTPHeader: header})
	if err != nil {
		c.t.Fatalf("open /ws: %v", err)
	}
	c.t.Cleanup(ws.Close)
	s := &cnSocket{t: c.t, ws: ws}
	if f := s.request(ctx, "hello", map[string]any{"protocol": 1}); f.Type != "welcome" {
		c.t.Fatalf("hello answered %s, want welcome", f.Type)
	}
	return s
}

var cnCreatedRE = regexp.MustCompile(`created counselor account (\d+)`)

// cnCounselor creates a counselor with the users command and signs them in
// as a browser does: password, TOTP enrollment, first code. It returns the
// session and the counselor's user id.
func cnCounselor(t *testing.T, env *testEnv, srv *runningServer, email, name string) (*cnClient, int64) {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("a calm long passphrase\n"), 0o600)
	out, err := env.runCmd(t, "users", "add", "--role", "counselor", "--email", email, "--name", name, "--password-file", pw)
	if err != nil {
		t.Fatal(err)
	}
	m := cnCreatedRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("users add printed %q", out)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	jar, _ := cookiejar.New(nil)
	c := &cnClient{t: t, base: srv.URL, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
	var st struct {
		MFA string `json:"mfa"`
	}
	c.want("POST", "/api/session", map[string]string{"email": email, "password": "a calm long passphrase"}, http.StatusOK, &st)
	if st.MFA != "enrollment_required" {
		t.Fatalf("counselor sign-in state %q, want enrollment_required", st.MFA)
	}
	var enroll struct {
		Secret string `json:"secret"`
	}
	c.want("POST", "/api/mfa/enroll", nil, http.StatusOK, &enroll)
	code, err := account.TOTPCode(enroll.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c.want("POST", "/api/mfa/confirm", map[string]string{"code": code}, http.StatusOK, &st)
	if st.MFA != "full" {
		t.Fatalf("after TOTP enrollment the session is %q, want full", st.MFA)
	}
	return c, id
}

// cnSocket is one /ws connection, read in sequence by the test.
type cnSocket struct {
	t  *testing.T
	ws *wsclient.Client
}

// await returns the first frame not yet awaited that satisfies match;
// frames before it are skipped. It fails the test if the connection ends or
// ctx (the test's bound) runs out first.
func (s *cnSocket) await(ctx context.Context, what string, match func(wsclient.Frame) bool) wsclient.Frame {
	s.t.Helper()
	f, err := s.ws.Await(ctx, match)
	if err != nil {
		s.t.Fatalf("waiting for %s: %v", what, err)
	}
	return f
}

// request sends a frame with a fresh id and returns its answer, failing
// the test on an error answer.
func (s *cnSocket) request(ctx context.Context, typ string, data any) wsclient.Frame {
	s.t.Helper()
	f, err := s.ws.Request(ctx, typ, data)
	if err != nil {
		s.t.Fatalf("request %v", err) // the error names the frame type
	}
	return f
}

// cnEscalation matches an event of typ about escalation id.
func cnEscalation(typ string, id int64) func(wsclient.Frame) bool {
	return func(f wsclient.Frame) bool {
		if f.Type != typ {
			return false
		}
		var d struct {
			EscalationID int64 `json:"escalation_id"`
		}
		return json.Unmarshal(f.Data, &d) == nil && d.EscalationID == id
	}
}

// cnInt reads an integer member of a frame's data.
func cnInt(t *testing.T, data json.RawMessage, key string) int64 {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("data %s: %v", data, err)
	}
	n, _ := raw[key].(json.Number)
	v, _ := n.Int64()
	return v
}

var cnReceivedRE = regexp.MustCompile(`offers received: (\d+)/(\d+) presses reached a counselor`)

// TestBenchCrisisConsole runs `portal bench crisis --console` with tiny
// numbers through run: it builds its own node on a scratch database and
// must report every press's offer read on a counselor's socket, and the
// background chat rate it achieved.
func TestBenchCrisisConsole(t *testing.T) {
	env := newTestEnv(t)
	out, err := env.runCmd(t, "bench", "crisis", "--console", "--presses", "3", "--spread", "300ms",
		"--rate", "40", "--pairs", "2", "--counselors", "2", "--warmup", "200ms")
	if err != nil {
		t.Fatalf("bench crisis --console: %v\n%s", err, out)
	}
	t.Logf("\n%s", out)
	m := cnReceivedRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no offers-received line in:\n%s", out)
	}
	if got, want := m[1], m[2]; got == "0" || got != want {
		t.Fatalf("%s of %s presses reached a counselor, want all:\n%s", got, want, out)
	}
	if !regexp.MustCompile(`background chat while pressing: [1-9]\d* msg/s acknowledged`).MatchString(out) {
		t.Fatalf("no background chat rate in:\n%s", out)
	}
}
