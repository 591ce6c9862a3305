package media

import (
	"slices"
	"testing"
)

func TestAllocate(t *testing.T) {
	sim := []int{100_000, 300_000, 1_000_000} // q, h, f
	track := func(current int) trackDemand { return trackDemand{rates: sim, max: 2, current: current} }
	for _, tc := range []struct {
		name      string
		estimate  int
		tracks    []trackDemand
		wasAudio  bool
		want      []int
		audioOnly bool
	}{
		{"rich: top layer", 2_000_000, []trackDemand{track(-1)}, false, []int{2}, false},
		{"moving up needs 25% headroom", 1_100_000, []trackDemand{track(1)}, false, []int{1}, false},
		{"staying needs only the rate", 1_000_000, []trackDemand{track(2)}, false, []int{2}, false},
		{"just below the top layer", 999_999, []trackDemand{track(2)}, false, []int{1}, false},
		{"lowest layer", 150_000, []trackDemand{track(2)}, false, []int{0}, false},
		{"below the lowest layer: audio-only", 99_999, []trackDemand{track(0)}, false, []int{-1}, true},
		{"leaving audio-only needs 1.5x", 140_000, []trackDemand{track(-1)}, true, []int{-1}, true},
		{"leaving audio-only", 150_000, []trackDemand{track(-1)}, true, []int{0}, false},
		{"two tracks share: both mid", 700_000, []trackDemand{track(1), track(1)}, false, []int{1, 1}, false},
		{"first track wins the spare", 1_400_000, []trackDemand{track(2), track(1)}, false, []int{2, 1}, false},
		{"sum of lowest decides audio-only", 150_000, []trackDemand{track(0), track(0)}, false, []int{-1, -1}, true},
		{"subscriber cap", 5_000_000, []trackDemand{{rates: sim, max: 0, current: 0}}, false, []int{0}, false},
		{"subscriber turned a track off", 5_000_000, []trackDemand{{rates: sim, max: -1, current: 1}, track(2)}, false, []int{-1, 2}, false},
		{"paused layer unknown: skipped", 5_000_000, []trackDemand{{rates: []int{100_000, 0, 1_000_000}, max: 2, current: 0}}, false, []int{2}, false},
		{"no layer known yet", 5_000_000, []trackDemand{{rates: []int{0, 0, 0}, max: 2, current: -1}}, false, []int{-1}, false},
		{"single-layer video", 600_000, []trackDemand{{rates: []int{500_000}, max: 2, current: -1}}, false, []int{0}, false},
		{"single-layer video too big", 400_000, []trackDemand{{rates: []int{500_000}, max: 2, current: 0}}, false, []int{-1}, true},
		{"no video", 10, nil, true, []int{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := make([]int, len(tc.tracks))
			audioOnly := allocate(tc.estimate, tc.tracks, tc.wasAudio, out)
			if audioOnly != tc.audioOnly || !slices.Equal(out, tc.want) {
				t.Errorf("allocate(%d) = %v, audio-only %v; want %v, %v", tc.estimate, out, audioOnly, tc.want, tc.audioOnly)
			}
		})
	}
}

func TestOrderRIDs(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"f", "h", "q"}, []string{"q", "h", "f"}},
		{[]string{"h", "q"}, []string{"q", "h"}},
		{[]string{"h", "m", "l"}, []string{"l", "m", "h"}},
		{[]string{"a", "b", "c", "d"}, []string{"a", "b", "c"}},
	} {
		if got := orderRIDs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("orderRIDs(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
