package signaling

import "time"

// bucket is a token bucket; the zero value is empty. It is not safe for
// concurrent use (each connection's reader owns its buckets).
type bucket struct {
	tokens float64
	last   time.Time
}

// take refills the bucket at rate tokens per second up to burst, then takes
// one token if there is one and reports whether it did.
func (b *bucket) take(now time.Time, rate float64, burst int) bool {
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(float64(burst), b.tokens+el*rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// wait returns how long until the bucket holds one token at rate.
func (b *bucket) wait(rate float64) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second))
}
