package seal_test

import (
	"bytes"
	"context"
	"testing"

	"haven/migrations/dbtest"
)

// BenchmarkSeal seals 1 KiB under a cached data key: the chat hot path.
func BenchmarkSeal(b *testing.B) {
	k := newKeyring(b, dbtest.New(b), memKEK(b))
	ctx := context.Background()
	msg := bytes.Repeat([]byte("m"), 1024)
	ad := []byte("conversation:1/seq:1")
	mustSeal(b, k, "conversation:1", "warm", "warm")
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Seal(ctx, "conversation:1", msg, ad); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnseal opens 1 KiB under a cached data key: history replay.
func BenchmarkUnseal(b *testing.B) {
	k := newKeyring(b, dbtest.New(b), memKEK(b))
	ctx := context.Background()
	msg := bytes.Repeat([]byte("m"), 1024)
	ad := []byte("conversation:1/seq:1")
	ct := mustSeal(b, k, "conversation:1", string(msg), string(ad))
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Unseal(ctx, "conversation:1", ct, ad); err != nil {
			b.Fatal(err)
		}
	}
}
