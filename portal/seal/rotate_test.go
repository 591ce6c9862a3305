package seal_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"haven/migrations/dbtest"
	"haven/portal/seal"
)

func TestRotateDataKey(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	kek := memKEK(t)
	k := newKeyring(t, pool, kek)
	old := mustSeal(t, k, "conversation:5", "before", "conversation:5/seq:1")
	oldKey := keyID(t, old)

	if err := k.RotateDataKey(ctx, "conversation:5"); err != nil {
		t.Fatal(err)
	}
	primary, err := k.PrimaryKeyID(ctx, "conversation:5")
	if err != nil {
		t.Fatal(err)
	}
	if primary == oldKey {
		t.Fatal("rotation left the primary key unchanged")
	}
	fresh := mustSeal(t, k, "conversation:5", "after", "conversation:5/seq:2")
	if got := keyID(t, fresh); got != primary {
		t.Fatalf("new data sealed under key %d, want the new primary %d", got, primary)
	}
	mustOpen(t, k, "conversation:5", old, "conversation:5/seq:1", "before")
	mustOpen(t, k, "conversation:5", fresh, "conversation:5/seq:2", "after")

	var rotated bool
	if err := pool.QueryRow(ctx, `SELECT rotated_at IS NOT NULL FROM seal_keysets WHERE owner = 'conversation:5'`).Scan(&rotated); err != nil {
		t.Fatal(err)
	}
	if !rotated {
		t.Fatal("rotated_at not set")
	}
}

// A node whose cache predates a rotation made on another node still opens
// data sealed under the new key.
func TestRotationOnAnotherNode(t *testing.T) {
	pool := dbtest.New(t)
	kek := memKEK(t)
	a, b := newKeyring(t, pool, kek), newKeyring(t, pool, kek)
	old := mustSeal(t, a, "conversation:6", "one", "c6/1") // a caches the keyset
	if err := b.RotateDataKey(context.Background(), "conversation:6"); err != nil {
		t.Fatal(err)
	}
	fresh := mustSeal(t, b, "conversation:6", "two", "c6/2")
	if keyID(t, fresh) == keyID(t, old) {
		t.Fatal("node b sealed under the old key after rotating")
	}
	mustOpen(t, a, "conversation:6", fresh, "c6/2", "two")
	mustOpen(t, a, "conversation:6", old, "c6/1", "one")
}

func TestRotateKEK(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	path := t.TempDir() + "/keys/kek.json"
	k, err := seal.Open(ctx, pool, "file://"+path, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	const owners = 450 // more than two re-wrap batches
	cts := make([][]byte, owners)
	for i := range owners {
		cts[i] = mustSeal(t, k, fmt.Sprintf("conversation:%d", i), fmt.Sprintf("msg %d", i), fmt.Sprintf("c%d/1", i))
	}
	before := wrappedKeysets(t, pool)

	n, err := k.RotateKEK(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != owners {
		t.Fatalf("re-wrapped %d keysets, want %d", n, owners)
	}
	after := wrappedKeysets(t, pool)
	for owner, w := range after {
		if string(w) == string(before[owner]) {
			t.Fatalf("keyset of %s was not re-wrapped", owner)
		}
		if err := seal.UnwrapWithPrimaryOnly(path, owner, w); err != nil {
			t.Fatalf("keyset of %s is not wrapped under the new KEK primary: %v", owner, err)
		}
	}
	// The old wrapped form still opens under the rotated KEK (a keyset the
	// re-wrap has not reached yet).
	if err := seal.UnwrapWithPrimaryOnly(path, "conversation:0", before["conversation:0"]); err == nil {
		t.Fatal("old wrapped keyset opened with the new KEK key alone; rotation added no key")
	}

	reopened, err := seal.Open(ctx, pool, "file://"+path, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i, ct := range cts {
		owner := fmt.Sprintf("conversation:%d", i)
		mustOpen(t, k, owner, ct, fmt.Sprintf("c%d/1", i), fmt.Sprintf("msg %d", i))
		mustOpen(t, reopened, owner, ct, fmt.Sprintf("c%d/1", i), fmt.Sprintf("msg %d", i))
	}
	mustOpen(t, reopened, "conversation:1", mustSeal(t, reopened, "conversation:1", "new", "c1/2"), "c1/2", "new")
}

// Keysets wrapped under the old KEK key stay readable before any re-wrap.
func TestOldWrappedKeysetsOpenBeforeRewrap(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	kek := memKEK(t)
	k := newKeyring(t, pool, kek)
	ct := mustSeal(t, k, "patient:3", "plan", "patient:3/plan")
	if _, err := kek.Rotate(ctx); err != nil { // the KEK rotated; nothing re-wrapped
		t.Fatal(err)
	}
	cold := newKeyring(t, pool, kek)
	mustOpen(t, cold, "patient:3", ct, "patient:3/plan", "plan")
	n, err := cold.Rewrap(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Rewrap = %d, %v; want 1, nil", n, err)
	}
	mustOpen(t, newKeyring(t, pool, kek), "patient:3", ct, "patient:3/plan", "plan")
}

func wrappedKeysets(t *testing.T, pool *pgxpool.Pool) map[string][]byte {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT owner, wrapped FROM seal_keysets`)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string][]byte)
	var owner string
	var wrapped []byte
	if _, err := pgx.ForEachRow(rows, []any{&owner, &wrapped}, func() error {
		out[owner] = wrapped
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Two processes share one KEK file: after one rotates the KEK and re-wraps,
// the other, still holding the old KEK in memory, reads the file again and
// opens keysets wrapped under the new key.
func TestKEKRotationByAnotherProcess(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	uri := "file://" + t.TempDir() + "/kek.json"
	a, err := seal.Open(ctx, pool, uri, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	b, err := seal.Open(ctx, pool, uri, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	ct := mustSeal(t, a, "patient:8", "note", "patient:8/n1") // b has not cached patient:8
	if _, err := a.RotateKEK(ctx); err != nil {
		t.Fatal(err)
	}
	mustOpen(t, b, "patient:8", ct, "patient:8/n1", "note")
	// b now wraps new keysets under the rotated KEK, which a can read.
	ct2 := mustSeal(t, b, "patient:9", "plan", "patient:9/p1")
	mustOpen(t, a, "patient:9", ct2, "patient:9/p1", "plan")
}
