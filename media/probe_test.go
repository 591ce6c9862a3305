package media

import (
	"slices"
	"testing"
	"time"
)

func TestProbeStepsUpAndBacksOff(t *testing.T) {
	demands := []trackDemand{{rates: []int{100_000, 300_000, 1_000_000}, max: 2, current: -1}}
	t0 := time.Unix(1000, 0)
	var ps probeState
	step := func(at time.Duration, estimate int, normalAudioOnly bool, normal []int) (bool, []int) {
		out := slices.Clone(normal)
		return ps.apply(t0.Add(at), estimate, demands, normalAudioOnly, out), out
	}
	if a, _ := step(0, 50_000, true, []int{-1}); !a {
		t.Fatal("probed at once; want a wait of probeMin")
	}
	a, out := step(probeMin, 50_000, true, []int{-1})
	if a || out[0] != 0 {
		t.Fatalf("after probeMin: audio-only %v, layers %v; want a trial at the lowest layer", a, out)
	}
	if a, out := step(probeMin+time.Second, 52_000, true, []int{-1}); a || out[0] != 0 {
		t.Errorf("during the trial: audio-only %v, layers %v; want the trial held", a, out)
	}
	if a, _ := step(probeMin+probeLength, 52_000, true, []int{-1}); !a {
		t.Error("trial past probeLength without the estimate growing still held")
	}
	if ps.backoff != 2*probeMin {
		t.Errorf("backoff after a failed trial = %v, want %v", ps.backoff, 2*probeMin)
	}
	if a, _ := step(probeMin+probeLength+probeMin, 52_000, true, []int{-1}); !a {
		t.Error("probed again before the doubled backoff")
	}

	// A trial the network pushes back on ends at once.
	at := probeMin + probeLength + 2*probeMin
	if a, _ := step(at, 60_000, true, []int{-1}); a {
		t.Fatal("no trial after the backoff")
	}
	if a, _ := step(at+500*time.Millisecond, 40_000, true, []int{-1}); !a {
		t.Error("trial held although the estimate fell")
	}

	// A trial the estimate comes to carry is kept, and backoff resets.
	ps = probeState{}
	step(0, 500_000, false, []int{1})
	if a, out := step(probeMin, 500_000, false, []int{1}); a || out[0] != 2 {
		t.Fatalf("step up from layer 1: %v %v", a, out)
	}
	if a, out := step(probeMin+2*time.Second, 1_300_000, false, []int{2}); a || out[0] != 2 || !ps.until.IsZero() || ps.backoff != probeMin {
		t.Errorf("carried trial: audio-only %v, layers %v, probe %+v", a, out, ps)
	}

	// Nothing above the top layer.
	ps = probeState{}
	step(0, 5_000_000, false, []int{2})
	if _, out := step(probeMin, 5_000_000, false, []int{2}); out[0] != 2 || !ps.until.IsZero() {
		t.Errorf("probe at the top layer: %v, %+v", out, ps)
	}
}
