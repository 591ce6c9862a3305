package web

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestSpell(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Minute:             "15 minutes",
		time.Minute:                  "1 minute",
		30 * time.Second:             "1 minute",
		12 * time.Hour:               "12 hours",
		time.Hour:                    "1 hour",
		90 * time.Minute:             "1 hour 30 minutes",
		2*time.Hour + 1*time.Minute:  "2 hours 1 minute",
		14*time.Minute + time.Second: "15 minutes",
	} {
		if got := spell(d); got != want {
			t.Errorf("spell(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		name   string
		proxy  bool
		remote string
		xff    []string
		want   string
	}{
		{"direct", false, "192.0.2.7:5555", nil, "192.0.2.7"},
		{"direct ignores XFF", false, "192.0.2.7:5555", []string{"203.0.113.9"}, "192.0.2.7"},
		{"proxy takes last entry", true, "10.0.0.2:80", []string{"198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"proxy takes last header", true, "10.0.0.2:80", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9"},
		{"proxy ignores junk", true, "10.0.0.2:80", []string{"not-an-ip"}, "10.0.0.2"},
		{"ipv6", false, "[2001:db8::1]:443", nil, "2001:db8::1"},
	} {
		s := &Server{cfg: Config{BehindProxy: tc.proxy}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("%s: clientIP = %q, want %q", tc.name, got, tc.want)
		}
	}
}
