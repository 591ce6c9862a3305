package media

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// mediaTest is the prologue of every media test: a hard timeout that dumps
// all goroutines and aborts, and a goroutine-leak check at the end. It
// returns a context that ends a little before the hard timeout.
func mediaTest(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	before := runtime.NumGoroutine()
	timer := time.AfterFunc(limit, func() {
		var b bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
		fmt.Fprintf(os.Stderr, "%s: hard timeout after %v\n%s", t.Name(), limit, b.String())
		panic(t.Name() + ": hard timeout")
	})
	ctx, cancel := context.WithTimeout(context.Background(), limit-limit/8)
	t.Cleanup(func() {
		cancel()
		timer.Stop()
		checkLeaks(t, before)
	})
	return ctx
}

// checkLeaks waits up to 10 s for the goroutine count to fall back to
// before, then fails with the goroutines still running.
func checkLeaks(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			var b bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Errorf("goroutine leak: %d running, %d before\n%s", runtime.NumGoroutine(), before, b.String())
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// testLogger logs warnings and errors through t.
func testLogger(t *testing.T) *slog.Logger {
	t.Helper()
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newTestSFU starts an SFU on a loopback ephemeral port; it closes at the
// end of the test (before the leak check).
func newTestSFU(t *testing.T, cfg Config) *SFU {
	t.Helper()
	if cfg.UDPAddr == "" {
		cfg.UDPAddr = "127.0.0.1:0"
	}
	cfg.LoopbackOnly = true
	s, err := NewSFU(cfg, testLogger(t))
	if err != nil {
		t.Fatalf("NewSFU: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("SFU close: %v", err)
		}
	})
	return s
}

// newTestRoom opens a room on s.
func newTestRoom(t *testing.T, s *SFU, id string, opts RoomOptions) *Room {
	t.Helper()
	r, err := s.OpenRoom(id, opts)
	if err != nil {
		t.Fatalf("OpenRoom: %v", err)
	}
	return r
}

// joinPeer creates a loopback peer, joins it and, if it has media,
// publishes. The peer closes at the end of the test.
func joinPeer(t *testing.T, r *Room, id string, role Role, opts peerOptions) *peer {
	t.Helper()
	if opts.net == nil {
		opts.loopback = true
	}
	c, err := newPeer(id, opts)
	if err != nil {
		t.Fatalf("newPeer %s: %v", id, err)
	}
	t.Cleanup(c.close)
	if err := c.join(r, role); err != nil {
		t.Fatalf("join %s: %v", id, err)
	}
	if opts.audio || opts.video {
		if err := c.publish(); err != nil {
			t.Fatalf("publish %s: %v", id, err)
		}
	}
	return c
}

// eventually polls cond every 20 ms until it holds or ctx ends.
func eventually(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// trackFrom returns the stats of the track c receives from publisher's
// source, or nil.
func (c *peer) trackFrom(publisher, source string) *recvStats {
	for _, s := range c.recv.all() {
		if s.from == publisher && s.source == source {
			return s
		}
	}
	return nil
}

// packetsFrom counts what c received of publisher's source.
func (c *peer) packetsFrom(publisher, source string) uint64 {
	var n uint64
	for _, s := range c.recv.all() {
		if s.from == publisher && s.source == source {
			n += s.packets.Load()
		}
	}
	return n
}

// iceUfrag returns the first a=ice-ufrag value of an SDP.
func iceUfrag(sdp string) string {
	for _, line := range strings.Split(sdp, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "a=ice-ufrag:"); ok {
			return v
		}
	}
	return ""
}
