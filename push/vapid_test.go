package push

import (
	"bytes"
	"context"
	"encoding/base64"
	"sync"
	"testing"

	"haven/migrations/dbtest"
)

func TestVAPIDConcurrentFirstStartsConverge(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	sealer := newTestSealer(t)
	ctx := context.Background()
	keys := make([]string, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			s, err := New(ctx, pool, sealer, Config{Subject: "mailto:ops@haven.example", Logger: testLogger()})
			if err != nil {
				t.Errorf("New: %v", err)
				return
			}
			keys[i] = s.PublicKey()
		})
	}
	wg.Wait()
	for i, k := range keys {
		if k != keys[0] {
			t.Fatalf("start %d got key %q, start 0 got %q", i, k, keys[0])
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(keys[0])
	if err != nil || len(raw) != 65 || raw[0] != 4 {
		t.Fatalf("PublicKey is not a base64url uncompressed P-256 point: %d bytes, %v", len(raw), err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM push_vapid_keys`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d key rows, %v", n, err)
	}

	// A restart reads the same pair; the stored private key is sealed.
	s, err := New(ctx, pool, sealer, Config{Subject: "mailto:ops@haven.example", Logger: testLogger()})
	if err != nil || s.PublicKey() != keys[0] {
		t.Fatalf("restart: key %q, %v", s.PublicKey(), err)
	}
	var sealed []byte
	if err := pool.QueryRow(ctx, `SELECT sealed_private FROM push_vapid_keys`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, s.keys.private.Bytes()) {
		t.Fatal("the private key is stored in plain")
	}

	// Another sealer cannot unseal it: New fails instead of minting a new pair.
	if _, err := New(ctx, pool, newTestSealer(t), Config{Subject: "mailto:ops@haven.example"}); err == nil {
		t.Fatal("New with a different sealer succeeded")
	}
}

func TestNewRefusesBadSubject(t *testing.T) {
	for _, subject := range []string{"", "ops@haven.example", "http://haven.example"} {
		if _, err := (Config{Subject: subject}).withDefaults(); err != ErrSubject {
			t.Errorf("subject %q: err = %v, want ErrSubject", subject, err)
		}
	}
}
