package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDeviceLabel(t *testing.T) {
	for _, tc := range []struct{ ua, want string }{
		{androidChrome, "Chrome on Android"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
		{"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0 Mobile/15E148 Safari/604.1", "Chrome on iPad"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:126.0) Gecko/20100101 Firefox/126.0", "Firefox on Mac"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari on Mac"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36", "Chrome on Linux"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", "Chrome on ChromeOS"},
		{"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 OPR/110.0", "Opera on Windows"},
		{"curl/8.5.0", "Web browser"},
		{"", "Web browser"},
		{"Something (Android) else", "Browser on Android"},
		{"<script>alert(1)</script> Firefox/1", "Firefox"},
	} {
		if got := deviceLabel(tc.ua); got != tc.want {
			t.Errorf("deviceLabel(%.60q) = %q, want %q", tc.ua, got, tc.want)
		}
	}
}

// FuzzDeviceLabel: any User-Agent gives a short label made of the fixed
// names only, never text from the header.
func FuzzDeviceLabel(f *testing.F) {
	f.Add(androidChrome)
	f.Add("")
	f.Add("Firefox/ Android \x00 <b>")
	f.Fuzz(func(t *testing.T, ua string) {
		got := deviceLabel(ua)
		if got == "" || utf8.RuneCountInString(got) > 80 {
			t.Fatalf("label %q", got)
		}
		rest := got
		for _, table := range [][][2]string{uaBrowsers, uaSystems} {
			for _, e := range table {
				rest = strings.ReplaceAll(rest, e[1], "")
			}
		}
		rest = strings.NewReplacer("Web browser", "", "Browser", "", " on ", "", " ", "").Replace(rest)
		if rest != "" {
			t.Fatalf("label %q carries %q, which is not a fixed name", got, rest)
		}
	})
}
