package media

import (
	"testing"
	"time"
)

func TestQualityScore(t *testing.T) {
	for _, tc := range []struct {
		loss, jitter, rtt float64
		want              int
	}{
		{0, 5, 40, 5},
		{0.9, 29, 249, 5},
		{1, 0, 0, 4},
		{0, 30, 0, 4},
		{0, 0, 250, 4},
		{2.5, 10, 100, 4},
		{5, 10, 100, 3},
		{0, 0, 700, 2},
		{10, 0, 0, 2},
		{20, 0, 0, 1},
		{0, 500, 0, 1},
		{0, 0, 3000, 1},
		{50, 500, 3000, 1},
	} {
		if got := qualityScore(tc.loss, tc.jitter, tc.rtt); got != tc.want {
			t.Errorf("qualityScore(loss %v, jitter %v, rtt %v) = %d, want %d", tc.loss, tc.jitter, tc.rtt, got, tc.want)
		}
	}
}

func TestRRStatsAndSummary(t *testing.T) {
	var s rrStats
	if s.take().valid {
		t.Error("empty stats are valid")
	}
	s.add(26, 10, 100) // 26/256 ≈ 10.2%
	s.add(0, 30, -1)
	got := s.take()
	if !got.valid || got.lossPct < 5 || got.lossPct > 5.2 || got.jitterMs != 20 || got.rttMs != 100 {
		t.Errorf("take() = %+v", got)
	}
	if s.take().valid {
		t.Error("take did not reset")
	}
	var q qualityLog
	for _, v := range []int{5, 3, 4} {
		q.record(v)
	}
	var ps ParticipantSummary
	ps.addQuality(q)
	ps.addQuality(qualityLog{sum: 2, n: 1, min: 2, last: 2})
	if ps.QualityMin != 2 || ps.QualitySamples != 4 || ps.QualityAvg != 3.5 {
		t.Errorf("summary = %+v", ps)
	}
}

func TestReportRTT(t *testing.T) {
	now := time.Unix(1_700_000_000, 500_000_000)
	lsr := ntpMiddle(now.Add(-300 * time.Millisecond))
	dlsr := uint32(100 * 65536 / 1000) // 100 ms held by the receiver
	if got := reportRTT(lsr, dlsr, now); got < 199 || got > 201 {
		t.Errorf("rtt = %v ms, want 200", got)
	}
	if got := reportRTT(0, 0, now); got != -1 {
		t.Errorf("rtt without a sender report = %v, want -1", got)
	}
}

func TestSpeakerState(t *testing.T) {
	var s speakerState
	tick := func(a, b float64) bool { return s.update([]speakerLevel{{"a", a}, {"b", b}}) }
	if tick(30, 0) || s.current != "" {
		t.Fatal("one loud tick chose a speaker; want a streak")
	}
	if !tick(30, 0) || s.current != "a" {
		t.Fatalf("speaker = %q after two loud ticks, want a", s.current)
	}
	if tick(25, 28) || s.current != "a" {
		t.Error("b barely louder took over; want a 20% margin")
	}
	for range 5 {
		tick(0, 40)
	}
	if s.current != "b" {
		t.Errorf("speaker = %q after b talked alone, want b", s.current)
	}
	for range 10 {
		if tick(0, 0) {
			t.Error("silence changed the speaker")
		}
	}
	var m levelMeter
	m.add(0x80 | 20) // voice, -20 dBov
	m.add(127)       // silence
	if got := m.take(); got != 20 {
		t.Errorf("loudness = %v, want 20", got)
	}
}
