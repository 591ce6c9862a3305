package seal_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"haven/migrations/dbtest"
	"haven/portal/fault"
	"haven/portal/seal"
)

func TestSealRoundTrip(t *testing.T) {
	k := newKeyring(t, dbtest.New(t), memKEK(t))
	ctx := context.Background()
	tests := []struct {
		name      string
		plaintext []byte
		ad        []byte
	}{
		{"empty plaintext", []byte{}, []byte("conversation:1/seq:1")},
		{"short", []byte("I have been feeling low"), []byte("conversation:1/seq:2")},
		{"no associated data", []byte("hello"), nil},
		{"64 KiB", bytes.Repeat([]byte{0xA5}, 64<<10), []byte("conversation:1/seq:3")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct, err := k.Seal(ctx, "conversation:1", tc.plaintext, tc.ad)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.plaintext) > 0 && bytes.Contains(ct, tc.plaintext) {
				t.Fatal("ciphertext contains the plaintext")
			}
			got, err := k.Unseal(ctx, "conversation:1", ct, tc.ad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatalf("round trip changed the plaintext (%d bytes in, %d out)", len(tc.plaintext), len(got))
			}
		})
	}
}

func TestUnsealRefusesMovedOrChangedCiphertext(t *testing.T) {
	pool := dbtest.New(t)
	kek := memKEK(t)
	k := newKeyring(t, pool, kek)
	ctx := context.Background()
	ct := mustSeal(t, k, "conversation:42", "secret", "conversation:42/seq:7")
	mustSeal(t, k, "conversation:43", "other", "conversation:43/seq:1")

	flipped := bytes.Clone(ct)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name  string
		owner string
		ct    []byte
		ad    string
	}{
		{"wrong associated data", "conversation:42", ct, "conversation:42/seq:8"},
		{"another owner's key", "conversation:43", ct, "conversation:42/seq:7"},
		{"owner with no keyset", "conversation:44", ct, "conversation:42/seq:7"},
		{"changed byte", "conversation:42", flipped, "conversation:42/seq:7"},
		{"truncated", "conversation:42", ct[:10], "conversation:42/seq:7"},
		{"empty", "conversation:42", nil, "conversation:42/seq:7"},
	}
	cold := newKeyring(t, pool, kek) // nothing cached: every key comes from the database
	for _, tc := range tests {
		for name, kr := range map[string]*seal.Keyring{"warm": k, "cold": cold} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				pt, err := kr.Unseal(ctx, tc.owner, tc.ct, []byte(tc.ad))
				if !errors.Is(err, seal.ErrTampered) {
					t.Fatalf("Unseal = %q, %v; want ErrTampered", pt, err)
				}
			})
		}
	}
	mustOpen(t, cold, "conversation:42", ct, "conversation:42/seq:7", "secret")
}

func TestInvalidOwner(t *testing.T) {
	k := newKeyring(t, dbtest.New(t), memKEK(t))
	for _, owner := range []string{"", strings.Repeat("x", 201), "bad\x00owner", "\xff\xfe"} {
		_, err := k.Seal(context.Background(), owner, []byte("x"), nil)
		if !errors.Is(err, seal.ErrInvalidOwner) || fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Seal(%q) error = %v, want ErrInvalidOwner", owner, err)
		}
	}
}

func TestDatabaseDumpHasNoPlaintextOrKeys(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	k := newKeyring(t, pool, memKEK(t))
	marker := "PLAINTEXT-MARKER-suicidal-thoughts-since-tuesday"
	ct := mustSeal(t, k, "conversation:9", marker, "conversation:9/seq:1")
	if err := k.RotateDataKey(ctx, "conversation:9"); err != nil {
		t.Fatal(err)
	}
	ct2 := mustSeal(t, k, "conversation:9", marker, "conversation:9/seq:2")
	// Store the ciphertexts the way chat would, so the dump covers them.
	if _, err := pool.Exec(ctx, `CREATE TABLE probe_messages (body bytea NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO probe_messages VALUES ($1), ($2)`, ct, ct2); err != nil {
		t.Fatal(err)
	}

	var dump []byte
	rows, err := pool.Query(ctx, `SELECT wrapped FROM seal_keysets UNION ALL SELECT body FROM probe_messages`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		dump = append(dump, b...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if path, err := exec.LookPath("pg_dump"); err == nil {
		out, err := exec.CommandContext(ctx, path, "--data-only", "-d", pool.Config().ConnString()).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		if !bytes.Contains(out, []byte("seal_keysets")) {
			t.Fatal("pg_dump output does not cover seal_keysets")
		}
		dump = append(dump, out...)
	} else {
		t.Log("pg_dump not installed; checked the selected rows only")
	}

	material, err := k.DataKeyMaterial(ctx, "conversation:9")
	if err != nil {
		t.Fatal(err)
	}
	if len(material) != 2 {
		t.Fatalf("keyset holds %d keys after one rotation, want 2", len(material))
	}
	forbidden := map[string][]byte{
		"plaintext":     []byte(marker),
		"plaintext hex": []byte(hex.EncodeToString([]byte(marker))),
	}
	for i, m := range material {
		forbidden["data key "+string(rune('0'+i))] = m
		forbidden["data key hex "+string(rune('0'+i))] = []byte(hex.EncodeToString(m))
	}
	for name, b := range forbidden {
		if bytes.Contains(dump, b) {
			t.Errorf("database dump contains the %s", name)
		}
	}
}

func TestConcurrentFirstUseConvergesOnOneKeyset(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	kek := memKEK(t)
	const n = 20
	cts := make([][]byte, n)
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		k := newKeyring(t, pool, kek) // one keyring per goroutine: as if 20 nodes
		go func() {
			<-start
			ct, err := k.Seal(ctx, "patient:7", []byte("first words"), []byte("patient:7/note:1"))
			cts[i] = ct
			errs <- err
		}()
	}
	close(start)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var count int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM seal_keysets WHERE owner = 'patient:7'`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 1 {
		t.Fatalf("%d keysets for one owner, want 1", count)
	}
	fresh := newKeyring(t, pool, kek)
	first := keyID(t, cts[0])
	for i, ct := range cts {
		if id := keyID(t, ct); id != first {
			t.Fatalf("ciphertext %d sealed under key %d, ciphertext 0 under %d", i, id, first)
		}
		mustOpen(t, fresh, "patient:7", ct, "patient:7/note:1", "first words")
	}
}

func TestCacheIsBounded(t *testing.T) {
	pool := dbtest.New(t)
	opts := quietOptions()
	opts.CacheSize = 3
	k, err := seal.New(context.Background(), pool, memKEK(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	var cts [][]byte
	owners := []string{"user:1", "user:2", "user:3", "user:4", "user:5"}
	for _, o := range owners {
		cts = append(cts, mustSeal(t, k, o, "x-"+o, o))
	}
	if got := k.CacheLen(); got != 3 {
		t.Fatalf("cache holds %d keys, want 3", got)
	}
	for i, o := range owners { // evicted owners reload from the database
		mustOpen(t, k, o, cts[i], o, "x-"+o)
	}
}
