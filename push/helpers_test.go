package push

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
)

// testSealer is an AES-GCM sealer binding owner and ad, standing in for
// portal/seal.
type testSealer struct{ aead cipher.AEAD }

func newTestSealer(t testing.TB) *testSealer {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return &testSealer{aead: aead}
}

func (s *testSealer) bind(owner string, ad []byte) []byte {
	h := sha256.Sum256(append([]byte(owner+"\x00"), ad...))
	return h[:]
}

func (s *testSealer) Seal(_ context.Context, owner string, plaintext, ad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plaintext, s.bind(owner, ad)), nil
}

func (s *testSealer) Unseal(_ context.Context, owner string, sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("sealed too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], s.bind(owner, ad))
}

// testLogger logs to stderr with -v and HAVEN_TEST_LOG set, else nowhere.
func testLogger() *slog.Logger {
	if os.Getenv("HAVEN_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// testEnv is a database, a local push service and a Service posting to it.
type testEnv struct {
	pool   *pgxpool.Pool
	push   *pushServer
	svc    *Service
	sealer *testSealer
}

// newEnv starts a local push service and a Service on a fresh database;
// mod adjusts the config before New.
func newEnv(t *testing.T, mod func(*Config)) *testEnv {
	t.Helper()
	e := &testEnv{pool: dbtest.New(t), push: newPushServer(t)}
	e.svc = e.newService(t, mod)
	return e
}

// newService returns another Service on the environment's database (a
// restarted or second node); mod adjusts the config before New.
func (e *testEnv) newService(t *testing.T, mod func(*Config)) *Service {
	t.Helper()
	cfg := Config{
		Subject:      "mailto:ops@haven.example",
		Allowlist:    Allowlist{"push.example.com"},
		HTTPClient:   e.push.client(2 * time.Second),
		Logger:       testLogger(),
		RetryBase:    50 * time.Millisecond,
		RetryMax:     200 * time.Millisecond,
		PollInterval: 50 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	if e.sealer == nil {
		e.sealer = newTestSealer(t)
	}
	svc, err := New(context.Background(), e.pool, e.sealer, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.push.mu.Lock()
	e.push.vapidKey = svc.PublicKey()
	e.push.mu.Unlock()
	return svc
}

// start starts svc's workers and stops them when the test ends.
func (e *testEnv) start(t *testing.T, svc *Service) {
	t.Helper()
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		svc.Stop(ctx)
	})
}

// user inserts a user and returns its id.
func (e *testEnv) user(t *testing.T, role string) int64 {
	t.Helper()
	var id int64
	err := e.pool.QueryRow(context.Background(),
		`INSERT INTO users (email, display_name, role) VALUES ($1, 'Test', $2) RETURNING id`,
		randomHex(6)+"@test.invalid", role).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// device subscribes a new test device for userID.
func (e *testEnv) device(t *testing.T, userID int64) *testDevice {
	t.Helper()
	d := e.push.newDevice(t)
	got, err := e.svc.Subscribe(context.Background(), userID, d.subscription())
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	d.id = got.ID
	return d
}

// reminderIDs returns the ids of reminders of kind about ref, oldest first.
func (e *testEnv) reminderIDs(t *testing.T, kind Kind, ref int64) []int64 {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT id FROM push_reminders WHERE kind = $1 AND ref = $2 ORDER BY id`, string(kind), ref)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// state returns a reminder's state and reason.
func (e *testEnv) state(t *testing.T, id int64) (string, string) {
	t.Helper()
	var state, reason string
	err := e.pool.QueryRow(context.Background(), `SELECT state, coalesce(reason, '') FROM push_reminders WHERE id = $1`, id).Scan(&state, &reason)
	if err != nil {
		t.Fatal(err)
	}
	return state, reason
}

// delivery returns the state of a (reminder, subscription) delivery, "" when none.
func (e *testEnv) delivery(t *testing.T, reminderID, subID int64) string {
	t.Helper()
	var state string
	err := e.pool.QueryRow(context.Background(), `SELECT state FROM push_deliveries WHERE reminder_id = $1 AND subscription_id = $2`, reminderID, subID).Scan(&state)
	if err != nil {
		return ""
	}
	return state
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
