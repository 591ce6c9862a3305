package account

import (
	"context"
	"testing"
	"time"
)

func TestMemoryLimiterWindow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	l := NewMemoryLimiter(2, time.Minute, clock.Now)
	ctx := context.Background()
	for i := range 2 {
		if ok, _, _ := l.Allow(ctx, "a"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	clock.Advance(20 * time.Second)
	ok, retry, _ := l.Allow(ctx, "a")
	if ok || retry != 40*time.Second {
		t.Fatalf("third attempt: ok=%v retry=%v, want refused with 40s", ok, retry)
	}
	if ok, _, _ := l.Allow(ctx, "b"); !ok {
		t.Fatal("another key was refused")
	}
	clock.Advance(40 * time.Second)
	if ok, _, _ := l.Allow(ctx, "a"); !ok {
		t.Fatal("refused after the window passed")
	}
}

func TestMemoryLimiterPrunes(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	l := NewMemoryLimiter(1, time.Minute, clock.Now)
	for i := range maxLimiterKeys {
		l.Allow(context.Background(), itoa(int64(i)))
	}
	clock.Advance(time.Minute)
	l.Allow(context.Background(), "new")
	if n := len(l.windows); n != 1 {
		t.Fatalf("%d windows after prune, want 1", n)
	}
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1":            "addr:192.0.2.1",
		"::ffff:192.0.2.1":     "addr:192.0.2.1",
		"2001:db8:1:2:3:4:5:6": "addr:2001:db8:1:2::/64",
		"2001:db8:1:2::9":      "addr:2001:db8:1:2::/64",
		"fe80::1%eth0":         "addr:fe80::/64",
		"not an address":       "addr:not an address",
		"":                     "addr:",
	} {
		if got := addrKey(in); got != want {
			t.Errorf("addrKey(%q) = %q, want %q", in, got, want)
		}
	}
}
