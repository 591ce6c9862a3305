package seal_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"haven/portal/seal"
)

func quietOptions() seal.Options {
	return seal.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func memKEK(t testing.TB) *seal.MemoryKEK {
	t.Helper()
	kek, err := seal.NewMemoryKEK()
	if err != nil {
		t.Fatal(err)
	}
	return kek
}

func newKeyring(t testing.TB, pool *pgxpool.Pool, src seal.KEKSource) *seal.Keyring {
	t.Helper()
	k, err := seal.New(context.Background(), pool, src, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustSeal(t testing.TB, k *seal.Keyring, owner, plaintext, ad string) []byte {
	t.Helper()
	ct, err := k.Seal(context.Background(), owner, []byte(plaintext), []byte(ad))
	if err != nil {
		t.Fatalf("Seal(%s): %v", owner, err)
	}
	return ct
}

func mustOpen(t testing.TB, k *seal.Keyring, owner string, ct []byte, ad, want string) {
	t.Helper()
	got, err := k.Unseal(context.Background(), owner, ct, []byte(ad))
	if err != nil {
		t.Fatalf("Unseal(%s, %s): %v", owner, ad, err)
	}
	if string(got) != want {
		t.Fatalf("Unseal(%s, %s) = %q, want %q", owner, ad, got, want)
	}
}

func keyID(t testing.TB, ct []byte) uint32 {
	t.Helper()
	id, ok := seal.KeyIDOf(ct)
	if !ok {
		t.Fatalf("ciphertext has no Tink key prefix")
	}
	return id
}
