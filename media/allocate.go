package media

// Layer selection is a pure function of a subscriber's bandwidth estimate so
// it can be table-tested; the room loop feeds it and applies its result.

const (
	// upHeadroom: moving a track up to a layer needs the estimate to carry
	// the layer's rate times this, so a subscriber near a boundary does not
	// flap between layers. Staying needs only the rate itself.
	upHeadroom = 1.25
	// resumeFactor: leaving audio-only needs the estimate to carry the
	// lowest layers of all tracks times this.
	resumeFactor = 1.5
)

// trackDemand is one video track a subscriber receives, as allocate sees it.
type trackDemand struct {
	rates   []int // bit/s of each layer, lowest first; 0 means not available
	max     int   // highest layer the subscriber wants; -1 wants none
	current int   // layer forwarded now; -1 none
}

// allocate picks a layer for each track (into out, -1 for none) from the
// estimate in bit/s, and reports whether the subscriber must go audio-only:
// when the estimate cannot carry the lowest available layer of every wanted
// track (or, coming from audio-only, that sum times resumeFactor). Tracks
// are upgraded one layer per pass in the order given, so earlier tracks
// (screen share, the speaker) win ties. len(out) must equal len(tracks).
func allocate(estimate int, tracks []trackDemand, wasAudioOnly bool, out []int) (audioOnly bool) {
	sumLow, wanted := 0, 0
	for i, t := range tracks {
		out[i] = lowestLayer(t)
		if out[i] >= 0 {
			sumLow += t.rates[out[i]]
			wanted++
		}
	}
	if wanted == 0 {
		return false
	}
	need := float64(sumLow)
	if wasAudioOnly {
		need *= resumeFactor
	}
	if float64(estimate) < need {
		for i := range out {
			out[i] = -1
		}
		return true
	}
	budget := float64(estimate - sumLow)
	for changed := true; changed; {
		changed = false
		for i, t := range tracks {
			if out[i] < 0 {
				continue
			}
			next := nextLayer(t, out[i])
			if next < 0 {
				continue
			}
			cost := float64(t.rates[next] - t.rates[out[i]])
			if next > t.current {
				cost += (upHeadroom - 1) * float64(t.rates[next])
			}
			if cost <= budget {
				budget -= float64(t.rates[next] - t.rates[out[i]])
				out[i] = next
				changed = true
			}
		}
	}
	return false
}

// lowestLayer is the lowest available layer not above t.max, or -1.
func lowestLayer(t trackDemand) int {
	for l := 0; l < len(t.rates) && l <= t.max; l++ {
		if t.rates[l] > 0 {
			return l
		}
	}
	return -1
}

// nextLayer is the next available layer above l not above t.max, or -1.
func nextLayer(t trackDemand, l int) int {
	for n := l + 1; n < len(t.rates) && n <= t.max; n++ {
		if t.rates[n] > 0 {
			return n
		}
	}
	return -1
}
