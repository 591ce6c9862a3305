package crisis

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// sent is one event a fakeNotifier delivered.
type sent struct {
	user int64
	ev   HubEvent
	at   time.Time
}

// fakeNotifier records events; hang, when set, is called before recording
// and may block to simulate a stuck node.
type fakeNotifier struct {
	mu     sync.Mutex
	events []sent
	wake   chan struct{}
	hang   func(userID int64, ev HubEvent)
}

func newFakeNotifier() *fakeNotifier { return &fakeNotifier{wake: make(chan struct{}, 1)} }

func (f *fakeNotifier) Publish(ctx context.Context, userID int64, ev HubEvent) error {
	if f.hang != nil {
		f.hang(userID, ev)
	}
	f.mu.Lock()
	f.events = append(f.events, sent{user: userID, ev: ev, at: time.Now()})
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
	return nil
}

// matching returns the events of type typ sent to user whose data
// satisfies keep (nil: all).
func (f *fakeNotifier) matching(user int64, typ string, keep func(map[string]any) bool) []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sent
	for _, s := range f.events {
		if s.user != user || s.ev.Type != typ {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(s.ev.Data, &m); err != nil {
			panic(err)
		}
		if keep == nil || keep(m) {
			out = append(out, s)
		}
	}
	return out
}

// waitFor waits until an event like matching's exists and returns the first.
func (f *fakeNotifier) waitFor(t *testing.T, user int64, typ string, keep func(map[string]any) bool, within time.Duration) sent {
	t.Helper()
	deadline := time.After(within)
	for {
		if got := f.matching(user, typ, keep); len(got) > 0 {
			return got[0]
		}
		select {
		case <-f.wake:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no %s event for user %d within %v", typ, user, within)
		}
	}
}

func tierIs(n int) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["tier"] == float64(n) }
}

func statusIs(s string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["status"] == s }
}

// fakePusher records enqueued alerts; failing makes CrisisAlertTx fail
// after writing through tx, to show a push failure never blocks an offer.
type fakePusher struct {
	mu        sync.Mutex
	calls     [][]int64
	cancelled []int64
	failing   bool
}

func (f *fakePusher) CrisisAlertTx(ctx context.Context, tx pgx.Tx, ids []int64, escalationID int64) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE fake_push_probe (id int) ON COMMIT DROP`); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing {
		return errors.New("fake pusher: push table broken")
	}
	f.calls = append(f.calls, append([]int64(nil), ids...))
	return nil
}

func (f *fakePusher) CancelCrisisAlerts(ctx context.Context, escalationID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cancelled = append(f.cancelled, escalationID)
	return nil
}

// fakeAuditor records entries; hang, when set, is called first and may
// block to simulate a frozen node mid-transaction.
type fakeAuditor struct {
	mu      sync.Mutex
	entries []AuditEntry
	hang    func(e AuditEntry)
}

func (f *fakeAuditor) Record(ctx context.Context, db Querier, e AuditEntry) error {
	if f.hang != nil {
		f.hang(e)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.entries = append(f.entries, e)
	return nil
}

func (f *fakeAuditor) actionsFor(target string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.entries {
		if e.Target == target {
			out = append(out, e.Action)
		}
	}
	return out
}

// fakeGranter keeps active grants by ref.
type fakeGranter struct {
	mu     sync.Mutex
	active map[string][2]int64 // ref → {user, patient}
	grants int
}

func (f *fakeGranter) Grant(ctx context.Context, db Querier, userID, patientID int64, kind, ref string, until time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if kind != GrantKind || !until.After(time.Now()) {
		return errors.New("fake granter: bad grant")
	}
	if f.active == nil {
		f.active = map[string][2]int64{}
	}
	f.active[ref] = [2]int64{userID, patientID}
	f.grants++
	return nil
}

func (f *fakeGranter) RevokeGrants(ctx context.Context, db Querier, kind, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.active, ref)
	return nil
}

func (f *fakeGranter) holder(ref string) (user, patient int64, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, ok := f.active[ref]
	return g[0], g[1], ok
}

type fakeOpener struct {
	mu    sync.Mutex
	fail  int // fail this many calls first
	calls int
	ended []int64
}

func (f *fakeOpener) EndCrisis(ctx context.Context, escalationID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ended = append(f.ended, escalationID)
	return nil
}

func (f *fakeOpener) OpenCrisis(ctx context.Context, escalationID, patientID, counselorID int64) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail > 0 {
		f.fail--
		return "", errors.New("fake opener: chat down")
	}
	return fmt.Sprintf("conv-%d", escalationID), nil
}

type fakePeople struct {
	mu    sync.Mutex
	names map[int64]string
	teams map[int64][]int64
}

func (f *fakePeople) DisplayName(ctx context.Context, id int64) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.names[id], nil
}

func (f *fakePeople) CareTeam(ctx context.Context, patientID int64) ([]int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.teams[patientID]...), nil
}

// fakeSealer is AES-GCM under a random key, binding owner and ad.
type fakeSealer struct{ aead cipher.AEAD }

func newFakeSealer() *fakeSealer {
	key := make([]byte, 32)
	rand.Read(key)
	b, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(b)
	return &fakeSealer{aead: g}
}

func (f *fakeSealer) Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error) {
	nonce := make([]byte, f.aead.NonceSize())
	rand.Read(nonce)
	return f.aead.Seal(nonce, nonce, plaintext, append([]byte(owner+"|"), ad...)), nil
}

func (f *fakeSealer) Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error) {
	n := f.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("fake sealer: short")
	}
	return f.aead.Open(nil, sealed[:n], sealed[n:], append([]byte(owner+"|"), ad...))
}
