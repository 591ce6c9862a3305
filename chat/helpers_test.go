package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"haven/migrations/dbtest"
	"haven/portal/fault"
	"haven/portal/seal"
	"haven/signaling"
)

const testRedisAddr = "127.0.0.1:6379"

// quietLogger discards logs unless HAVEN_TEST_LOG is set.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// sqlAccess is the test stand-in for portal/account: the same rules, read
// straight from the account tables the tests fill with plain SQL.
type sqlAccess struct{ pool *pgxpool.Pool }

func (a sqlAccess) Authorize(ctx context.Context, user int64, role string, patient int64) error {
	var ok bool
	var err error
	switch role {
	case "patient":
		ok = user == patient
	case "clinician":
		err = a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM care_team_members WHERE patient_id = $1 AND clinician_id = $2)`,
			patient, user).Scan(&ok)
	case "counselor":
		err = a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM access_grants WHERE user_id = $1 AND patient_id = $2
			AND revoked_at IS NULL AND until > now())`, user, patient).Scan(&ok)
	}
	if err != nil {
		return err
	}
	if !ok {
		return fault.New(fault.Forbidden, "forbidden")
	}
	return nil
}

func (a sqlAccess) CareTeam(ctx context.Context, patient int64) ([]int64, error) {
	rows, err := a.pool.Query(ctx, `SELECT clinician_id FROM care_team_members WHERE patient_id = $1 ORDER BY clinician_id`, patient)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// testAuth authenticates "X-Test-User: <id>,<role>".
var testAuth = signaling.AuthenticatorFunc(func(r *http.Request) (signaling.Identity, error) {
	idStr, role, _ := strings.Cut(r.Header.Get("X-Test-User"), ",")
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil || role == "" {
		return signaling.Identity{}, fault.New(fault.Unauthenticated, "sign in")
	}
	return signaling.Identity{UserID: id, Role: role, SessionID: "s" + idStr}, nil
})

// env is a database, a keyring and one or more nodes (hub + chat).
type env struct {
	t      testing.TB
	pool   *pgxpool.Pool
	keys   *seal.Keyring
	access sqlAccess
	nodes  []*node
	prefix string // Redis channel prefix, when on Redis

	notes *fakeNotifier // set by tests that install them
	risk  *fakeRisk
}

// node is one hub with its chat service on an httptest server.
type node struct {
	hub   *signaling.Hub
	chat  *Service
	url   string
	rname string // Redis client name, when on Redis
}

// envOptions shape an env.
type envOptions struct {
	nodes  int
	redis  bool
	notify Notifier
	risk   RiskScreen
	hub    signaling.Options
	chat   Config
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	pool := dbtest.New(t)
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.New(context.Background(), pool, kek, seal.Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, pool: pool, keys: keys, access: sqlAccess{pool}}
	if o.nodes == 0 {
		o.nodes = 1
	}
	if o.redis {
		e.prefix = "haventest:chat:" + randomName() + ":"
	}
	var bus *signaling.MemoryBus
	if o.nodes > 1 && !o.redis {
		bus = signaling.NewMemoryBus()
	}
	for range o.nodes {
		e.nodes = append(e.nodes, e.startNode(t, o, bus))
	}
	return e
}

// startNode starts a node (hub and chat service) on e's database; it is
// stopped when t ends.
func (e *env) startNode(t testing.TB, o envOptions, bus *signaling.MemoryBus) *node {
	t.Helper()
	n := &node{}
	ho := o.hub
	ho.Auth = testAuth
	ho.Logger = quietLogger()
	if ho.SendQueue == 0 {
		ho.SendQueue = 1 << 13
	}
	if ho.Rate == 0 {
		ho.Rate, ho.Burst = 1e5, 1e5
	}
	switch {
	case o.redis:
		n.rname = "haven-chat-test-" + randomName()
		rdb := redisClient(t, n.rname)
		ho.Broker = signaling.NewRedisBroker(rdb, signaling.RedisBrokerOptions{Prefix: e.prefix, SubscribeTimeout: 2 * time.Second,
			HealthInterval: time.Second, Logger: quietLogger()})
		ho.Presence = signaling.NewRedisPresence(rdb, e.prefix, 3*time.Second)
	case bus != nil:
		ho.Broker = bus.Node()
	}
	hub, err := signaling.NewHub(ho)
	if err != nil {
		t.Fatal(err)
	}
	cfg := o.chat
	cfg.Pool, cfg.Hub, cfg.Sealer, cfg.Access, cfg.Logger = e.pool, hub, e.keys, e.access, quietLogger()
	cfg.Notifier, cfg.Risk = o.notify, o.risk
	svc, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	hub.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := hub.Shutdown(ctx); err != nil {
			t.Errorf("hub shutdown: %v", err)
		}
		if err := svc.Close(ctx); err != nil {
			t.Errorf("chat close: %v", err)
		}
		srv.Close()
	})
	n.hub, n.chat = hub, svc
	n.url = "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	return n
}

// user inserts a user with role and returns its id.
func (e *env) user(role string) int64 {
	e.t.Helper()
	var id int64
	name := randomName()
	err := e.pool.QueryRow(context.Background(), `INSERT INTO users (email, display_name, role) VALUES ($1, $2, $3) RETURNING id`,
		name+"@example.org", "User "+name, role).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// careTeam puts clinicians on the patient's care team.
func (e *env) careTeam(patient int64, clinicians ...int64) {
	e.t.Helper()
	for _, c := range clinicians {
		if _, err := e.pool.Exec(context.Background(), `INSERT INTO care_team_members (patient_id, clinician_id) VALUES ($1, $2)`, patient, c); err != nil {
			e.t.Fatal(err)
		}
	}
}

func randomName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func redisClient(t testing.TB, name string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: testRedisAddr, ClientName: name})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", testRedisAddr, err)
	}
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// checkGoroutines fails the test when goroutines started during it are
// still running after every cleanup registered after it has run.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		var n int
		for range 300 {
			n = runtime.NumGoroutine()
			if n <= before {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		buf := make([]byte, 1<<20)
		t.Errorf("goroutine leak: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
	})
}

// waitUntil polls cond for up to 20 s.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func staffActor(id int64) Actor   { return Actor{UserID: id, Role: "clinician"} }
func patientActor(id int64) Actor { return Actor{UserID: id, Role: "patient"} }
