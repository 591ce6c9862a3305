package push

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := utc("2026-11-22T12:00:00Z")
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"86400", maxRetryAfter},
		{"99999999999999999999", 0},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{"Sun, 22 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"Sunday, 22-Nov-26 12:01:00 GMT", time.Minute},
		{"Sun Nov 22 12:00:10 2026", 10 * time.Second},
		{"Sun, 22 Nov 2026 11:00:00 GMT", 0},
		{"Mon, 23 Nov 2026 12:00:00 GMT", maxRetryAfter},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"5", "Sun, 22 Nov 2026 12:00:30 GMT", "", "-1"} {
		f.Add(s)
	}
	now := utc("2026-11-22T12:00:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		if d := parseRetryAfter(s, now); d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v", s, d)
		}
	})
}
