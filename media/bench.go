package media

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// BenchOptions configure Bench. Zero fields take the defaults shown.
type BenchOptions struct {
	Window     time.Duration // measurement window per scenario (8s)
	GroupSize  int           // participants in the group room (12)
	Pairs      int           // concurrent 1:1 visits (40)
	RampBudget int           // Config.MaxStreams for the admission ramp (160 = 20 visits)
	Log        *slog.Logger  // SFU logs (discarded)
}

func (o *BenchOptions) defaults() {
	if o.Window == 0 {
		o.Window = 8 * time.Second
	}
	if o.GroupSize == 0 {
		o.GroupSize = 12
	}
	if o.Pairs == 0 {
		o.Pairs = 40
	}
	if o.RampBudget == 0 {
		o.RampBudget = 160
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Bench is the load generator behind `portal bench media`: in-process Pion
// publishers and subscribers on loopback drive a real SFU (one UDP port,
// simulcast with three layers, NACK, TWCC/GCC, sender/receiver reports) and
// it prints, per scenario, forwarded packets per second, the delivery ratio
// (packets received over the sequence-number span, per received track) and
// CPU time per forwarded packet.
//
// The generator shares the process, so CPU is attributed with profiler
// labels: the SFU's goroutines (and every call from a peer into the SFU)
// carry side=sfu, the generator's side=gen; a CPU profile over each window
// is split by label, unlabeled samples (GC, runtime) shared pro rata, and
// the SFU's share divided by the packets it forwarded. Scenarios: one group
// room, concurrent 1:1 visits, and a ramp of 1:1 visits until admission
// control refuses, with delivery at that point and just below it. It takes
// about a minute with the defaults.
func Bench(ctx context.Context, out io.Writer, opts BenchOptions) (err error) {
	done := make(chan struct{})
	go func() { // its own goroutine, so the caller's profiler labels stay as they are
		defer close(done)
		onGenerator(func() { err = bench(ctx, out, opts) })
	}()
	<-done
	return err
}

func bench(ctx context.Context, out io.Writer, opts BenchOptions) error {
	opts.defaults()
	fmt.Fprintf(out, "media bench: GOMAXPROCS=%d, %v window per scenario; every participant publishes synthetic VP8 simulcast q/h/f ≈ 50/190/480 kbit/s\n"+
		"  (15 fps) and 40 kbit/s audio, and subscribes to everyone else; NACK, TWCC + GCC, RTCP reports on; subscriber estimates are\n"+
		"  pinned high so every subscriber takes the top layer (GCC still runs on the feedback); CPU split by profiler labels (SFU vs generator)\n",
		runtime.GOMAXPROCS(0), opts.Window)
	if err := benchGroup(ctx, out, opts); err != nil {
		return fmt.Errorf("group room: %w", err)
	}
	if err := benchPairs(ctx, out, opts); err != nil {
		return fmt.Errorf("1:1 visits: %w", err)
	}
	if err := benchRamp(ctx, out, opts); err != nil {
		return fmt.Errorf("admission ramp: %w", err)
	}
	return nil
}

// sample is the cumulative counters at one instant.
type sample struct {
	at                       time.Time
	cpu                      time.Duration
	forwarded                uint64
	sent, received, expected uint64
}

// takeSample reads the process CPU time and the counters of s (nil in
// calibration) and the peers.
func takeSample(s *SFU, peers []*peer) sample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru) // cannot fail for RUSAGE_SELF
	smp := sample{at: time.Now(), cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	if s != nil {
		smp.forwarded = s.forwarded.Load()
	}
	for _, p := range peers {
		if p.pub != nil {
			smp.sent += p.pub.sent.Load()
		}
		for _, st := range p.recv.all() {
			n, span := st.delivery()
			smp.received += n
			smp.expected += span
		}
	}
	return smp
}

// window is the difference of two samples, and the profiled CPU split.
type window struct {
	secs                                float64
	cpu                                 time.Duration
	forwarded, sent, received, expected uint64
	split                               cpuSplit
	profiled                            bool
	heapMB                              uint64 // live heap at the end, after a GC
}

func between(a, b sample) window {
	return window{
		secs: b.at.Sub(a.at).Seconds(), cpu: b.cpu - a.cpu, forwarded: b.forwarded - a.forwarded,
		sent: b.sent - a.sent, received: b.received - a.received, expected: b.expected - a.expected,
	}
}

// delivery is received over expected packets, in percent.
func (w window) delivery() float64 {
	if w.expected == 0 {
		return 0
	}
	return 100 * float64(w.received) / float64(w.expected)
}

// report prints one scenario's figures.
func (w window) report(out io.Writer, name string) {
	if w.forwarded == 0 {
		fmt.Fprintf(out, "  %s: nothing forwarded\n", name)
		return
	}
	perPkt := func(d time.Duration, n uint64) float64 { return float64(d.Nanoseconds()) / 1e3 / float64(n) }
	fmt.Fprintf(out, "  %s: forwarded %.0f pkt/s, delivery %.2f%%, process CPU %.0f%% of one core (%.1f µs per forwarded packet, SFU and generator together), heap %d MB\n",
		name, float64(w.forwarded)/w.secs, w.delivery(), 100*w.cpu.Seconds()/w.secs, perPkt(w.cpu, w.forwarded), w.heapMB)
	if !w.profiled {
		fmt.Fprintln(out, "    SFU share unknown: the CPU profiler is in use elsewhere in the process")
		return
	}
	gen := w.split.gen + w.split.other - (w.split.sfuShare() - w.split.sfu)
	fmt.Fprintf(out, "    SFU %.1f µs CPU per forwarded packet; generator %.1f µs per packet it sent or received (profile: sfu %v, gen %v, unlabeled %v)\n",
		perPkt(w.split.sfuShare(), w.forwarded), perPkt(gen, w.sent+w.received),
		w.split.sfu.Round(10*time.Millisecond), w.split.gen.Round(10*time.Millisecond), w.split.other.Round(10*time.Millisecond))
}

// measure waits warmup, then returns the counters over length, with a
// CPU profile split when the profiler is free.
func measure(ctx context.Context, s *SFU, peers []*peer, warmup, length time.Duration) (window, error) {
	if err := sleepCtx(ctx, warmup); err != nil {
		return window{}, err
	}
	var w window
	split, ok, err := profileWindow(func() error {
		a := takeSample(s, peers)
		if err := sleepCtx(ctx, length); err != nil {
			return err
		}
		w = between(a, takeSample(s, peers))
		return nil
	})
	w.split, w.profiled = split, ok
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.heapMB = ms.HeapAlloc >> 20
	return w, err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// closePeers closes peers concurrently.
func closePeers(peers []*peer) {
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.close()
		}()
	}
	wg.Wait()
}
