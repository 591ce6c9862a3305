package media

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/account"
	"haven/portal/fault"
	"haven/portal/seal"
	"haven/signaling"
)

// hubEnv is the session layer over a real hub (httptest), a real SFU on
// loopback and a fresh database with the real access policy.
type hubEnv struct {
	t     *testing.T
	ctx   context.Context
	pool  *pgxpool.Pool
	acct  *account.Service
	sfu   *SFU
	s     *Sessions
	hub   *signaling.Hub
	wsURL string
	users int
}

// newHubEnv starts everything; opts adjust the sessions (a short grace).
func newHubEnv(t *testing.T, ctx context.Context, opts SessionsOptions) *hubEnv {
	t.Helper()
	e := &hubEnv{t: t, ctx: ctx, pool: dbtest.New(t)}
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(ctx, e.pool, kek, seal.Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.acct, err = account.New(account.Options{Pool: e.pool, Sealer: keys, Auditor: account.AuditLog{}, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	e.sfu = newTestSFU(t, Config{})
	e.hub, err = signaling.NewHub(signaling.Options{Auth: testIdentity, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	opts.SFU, opts.Pool, opts.Access, opts.Directory, opts.Notifier, opts.Logger = e.sfu, e.pool, e.acct, e.acct, e.hub, testLogger(t)
	if e.s, err = NewSessions(opts); err != nil {
		t.Fatal(err)
	}
	RegisterHandlers(e.hub, e.s)
	mux := http.NewServeMux()
	e.hub.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.hub.Shutdown(sctx); err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
		srv.Close()
	})
	e.wsURL = "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	return e
}

// testIdentity authenticates "X-Test-User: <id>,<role>".
var testIdentity = signaling.AuthenticatorFunc(func(r *http.Request) (signaling.Identity, error) {
	idStr, role, _ := strings.Cut(r.Header.Get("X-Test-User"), ",")
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil || role == "" {
		return signaling.Identity{}, fault.New(fault.Unauthenticated, "sign in")
	}
	return signaling.Identity{UserID: id, Role: role, SessionID: "s" + idStr}, nil
})

// user creates an account with role; patients join the care team of the
// clinicians given.
func (e *hubEnv) user(role account.Role, clinicians ...int64) account.Actor {
	e.t.Helper()
	e.users++
	var id int64
	err := e.pool.QueryRow(e.ctx, `INSERT INTO users (email, display_name, role) VALUES ($1, $2, $3) RETURNING id`,
		fmt.Sprintf("u%d@example.org", e.users), fmt.Sprintf("User %d", e.users), string(role)).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range clinicians {
		e.exec(`INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, id, c)
	}
	return account.Actor{UserID: id, Role: role}
}

func (e *hubEnv) exec(sql string, args ...any) {
	e.t.Helper()
	if _, err := e.pool.Exec(e.ctx, sql, args...); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
}

func (e *hubEnv) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(e.ctx, sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// wsClient is a signaling client: it says hello, answers requests by id
// and records every event.
type wsClient struct {
	t    *testing.T
	ws   *websocket.Conn
	seq  int
	mu   sync.Mutex
	reqs map[string]chan signaling.Frame
	evs  []signaling.Frame
	wake chan struct{}
	// onEvent, when set before connecting, sees each event on the
	// reader goroutine (it must not block).
	onEvent func(signaling.Frame)
	done    chan struct{}
}

// dial connects as actor and completes hello.
func (e *hubEnv) dial(actor account.Actor, onEvent func(signaling.Frame)) *wsClient {
	e.t.Helper()
	h := http.Header{}
	h.Set("X-Test-User", fmt.Sprintf("%d,%s", actor.UserID, actor.Role))
	ws, _, err := websocket.Dial(e.ctx, e.wsURL, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(1 << 20)
	c := &wsClient{t: e.t, ws: ws, reqs: map[string]chan signaling.Frame{}, wake: make(chan struct{}, 1),
		onEvent: onEvent, done: make(chan struct{})}
	go c.read()
	e.t.Cleanup(c.close)
	if f := c.call(e.ctx, "hello", map[string]int{"protocol": 1}); f.Type != "welcome" {
		e.t.Fatalf("hello answered %s %+v", f.Type, f.Error)
	}
	return c
}

func (c *wsClient) read() {
	defer close(c.done)
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		var f signaling.Frame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		c.mu.Lock()
		ch := c.reqs[f.ID]
		delete(c.reqs, f.ID)
		if ch == nil {
			c.evs = append(c.evs, f)
		}
		c.mu.Unlock()
		if ch != nil {
			ch <- f
			continue
		}
		if c.onEvent != nil {
			c.onEvent(f)
		}
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// call sends a request and returns its answer (an ok frame or an error).
func (c *wsClient) call(ctx context.Context, typ string, data any) signaling.Frame {
	c.t.Helper()
	c.mu.Lock()
	c.seq++
	id := "r" + strconv.Itoa(c.seq)
	ch := make(chan signaling.Frame, 1)
	c.reqs[id] = ch
	c.mu.Unlock()
	f := map[string]any{"type": typ, "id": id}
	if data != nil {
		f["data"] = data
	}
	b, _ := json.Marshal(f)
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write %s: %v", typ, err)
	}
	select {
	case r := <-ch:
		return r
	case <-ctx.Done():
		c.t.Fatalf("no answer to %s", typ)
	case <-time.After(15 * time.Second):
		c.t.Fatalf("no answer to %s in 15 s", typ)
	}
	return signaling.Frame{}
}

// ok sends a request and fails the test unless it succeeds; it decodes
// the answer's data into out when out is not nil.
func (c *wsClient) ok(ctx context.Context, typ string, data, out any) {
	c.t.Helper()
	f := c.call(ctx, typ, data)
	if f.Type != typ+".ok" {
		c.t.Fatalf("%s: answered %s %+v", typ, f.Type, f.Error)
	}
	if out != nil {
		if err := json.Unmarshal(f.Data, out); err != nil {
			c.t.Fatalf("%s: decode %s: %v", typ, f.Data, err)
		}
	}
}

// refused sends a request and returns its error code; a success fails.
func (c *wsClient) refused(ctx context.Context, typ string, data any) string {
	c.t.Helper()
	f := c.call(ctx, typ, data)
	if f.Type != "error" || f.Error == nil {
		c.t.Fatalf("%s: answered %s, want an error", typ, f.Type)
	}
	return f.Error.Code
}

// waitEvent waits for an event of typ whose data satisfies ok (nil: any),
// counting from the from-th event, and returns it with its index.
func (c *wsClient) waitEvent(ctx context.Context, typ string, from int, ok func(json.RawMessage) bool) (signaling.Frame, int) {
	c.t.Helper()
	for {
		c.mu.Lock()
		for i := from; i < len(c.evs); i++ {
			if f := c.evs[i]; f.Type == typ && (ok == nil || ok(f.Data)) {
				c.mu.Unlock()
				return f, i
			}
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			c.t.Fatalf("no %s event", typ)
		case <-c.wake:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// events counts the events received so far.
func (c *wsClient) events() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.evs)
}

// count counts the events of typ received so far.
func (c *wsClient) count(typ string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.evs {
		if f.Type == typ {
			n++
		}
	}
	return n
}

// send writes a frame without an id (fire and forget).
func (c *wsClient) send(ctx context.Context, typ string, data any) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"type": typ, "data": data})
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write %s: %v", typ, err)
	}
}

// drop closes the WebSocket abruptly (a lost network) and waits for the
// reader to end.
func (c *wsClient) drop() {
	_ = c.ws.CloseNow()
	<-c.done
}

func (c *wsClient) close() {
	_ = c.ws.Close(websocket.StatusNormalClosure, "")
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		_ = c.ws.CloseNow()
		<-c.done
	}
}

// hasParticipant reports whether data names participant pid.
func hasParticipant(pid string) func(json.RawMessage) bool {
	return func(d json.RawMessage) bool {
		var ev ParticipantEvent
		return json.Unmarshal(d, &ev) == nil && ev.Participant == pid
	}
}

// waitingIs reports whether a media.waiting_list names exactly pids.
func waitingIs(pids ...string) func(json.RawMessage) bool {
	return func(d json.RawMessage) bool {
		var wl WaitingList
		return json.Unmarshal(d, &wl) == nil && strings.Join(wl.Waiting, ",") == strings.Join(pids, ",")
	}
}
