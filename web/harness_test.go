package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/account"
	"haven/portal/audit"
	"haven/portal/seal"
	"haven/web/webtest"
)

// harness is a whole edge on a fresh database: the real account, audit
// and seal packages, a settable clock, and an httptest server.
type harness struct {
	t     *testing.T
	pool  *pgxpool.Pool
	acct  *account.Service
	log   *audit.Log
	clock *clock
	srv   *Server
	ts    *httptest.Server
	logs  *syncBuffer
}

type harnessOption func(*Config, *Deps)

// newHarness starts the edge. Its public URL is the test server's own.
func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, pool: dbtest.New(t), clock: &clock{now: time.Now()}, logs: &syncBuffer{}}
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, h.pool, kek, seal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.log = audit.New(h.pool, logger)
	h.acct, err = account.New(account.Options{Pool: h.pool, Sealer: keys, Auditor: account.AuditLog{}, Now: h.clock.Now, Logger: logger,
		InsecureFastHashing: true}) // the suite signs in hundreds of times; the real cost is tested in account
	if err != nil {
		t.Fatal(err)
	}
	h.ts = httptest.NewUnstartedServer(nil)
	public, _ := url.Parse("http://" + h.ts.Listener.Addr().String())
	cfg := Config{PublicURL: public}
	deps := Deps{Accounts: h.acct, AccessLog: h.log, Logger: logger}
	for _, o := range opts {
		o(&cfg, &deps)
	}
	h.srv, err = New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	h.ts.Config.Handler = h.srv
	h.ts.Start()
	t.Cleanup(h.ts.Close)
	return h
}

// clock is the account service's settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const testPassword = "calm river lantern 42"

// createUser makes an account directly through the account service.
func (h *harness) createUser(role account.Role, email, name string) account.Account {
	h.t.Helper()
	a, err := h.acct.CreateAccount(context.Background(), account.Operator(),
		account.NewAccount{Role: role, Email: email, DisplayName: name, Password: testPassword})
	if err != nil {
		h.t.Fatalf("create %s: %v", role, err)
	}
	return a
}

// client is a browser-like HTTP client with its own cookie jar.
type client struct {
	h    *harness
	http *http.Client
}

func (h *harness) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is a finished request: status, headers, body.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; body may be nil, a string (sent as-is) or a value
// encoded as JSON. JSON Content-Type is set unless headers override it.
func (c *client) do(method, path string, body any, headers ...string) response {
	c.h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.h.ts.URL+path, rd)
	if err != nil {
		c.h.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// errorOf decodes the error body; it fails the test when there is none.
func (r response) errorOf(t *testing.T) errorDetail {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal(r.body, &b); err != nil || b.Error.Code == "" {
		t.Fatalf("want an error body, got %d %q", r.status, r.body)
	}
	return b.Error
}

// decode decodes a JSON body into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// want fails the test unless the status is as expected.
func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// signIn signs c in with the test password and returns the next step.
func (c *client) signIn(email string) string {
	c.h.t.Helper()
	var st sessionState
	c.do("POST", "/api/session", signInRequest{Email: email, Password: testPassword}).want(c.h.t, 200).decode(c.h.t, &st)
	return st.MFA
}

// enroll completes TOTP enrollment for a session awaiting it and returns
// the secret.
func (c *client) enroll() string {
	c.h.t.Helper()
	var e enrollResponse
	c.do("POST", "/api/mfa/enroll", nil).want(c.h.t, 200).decode(c.h.t, &e)
	code := totpAt(c.h.t, e.Secret, c.h.clock.Now())
	c.do("POST", "/api/mfa/confirm", confirmRequest{Code: code}).want(c.h.t, 200)
	return e.Secret
}

// staff signs a staff member in through enrollment to a full session.
func (c *client) staff(email string) {
	c.h.t.Helper()
	if st := c.signIn(email); st != "enrollment_required" {
		c.h.t.Fatalf("staff sign-in state %q, want enrollment_required", st)
	}
	c.enroll()
}

func totpAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := webtest.TOTP(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}
