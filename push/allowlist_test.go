package push

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestAllowlistCheck(t *testing.T) {
	tests := []struct {
		name, endpoint string
		ok             bool
	}{
		{"fcm", "https://fcm.googleapis.com/fcm/send/dXJs:APA91b", true},
		{"mozilla", "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB", true},
		{"windows wildcard", "https://wns2-by3p.notify.windows.com/w/?token=BQYAAAB", true},
		{"apple web", "https://web.push.apple.com/QGuFq3", true},
		{"apple wildcard", "https://api.push.apple.com/3/device/abc", true},
		{"explicit 443", "https://fcm.googleapis.com:443/fcm/send/x", true},
		{"upper-case host", "https://FCM.googleapis.com/fcm/send/x", true},

		{"http", "http://fcm.googleapis.com/fcm/send/x", false},
		{"no scheme", "fcm.googleapis.com/fcm/send/x", false},
		{"empty", "", false},
		{"unknown host", "https://push.evil.example/x", false},
		{"suffix trick", "https://fcm.googleapis.com.evil.example/x", false},
		{"prefix trick", "https://evilfcm.googleapis.com/x", false},
		{"wildcard needs a label", "https://notify.windows.com/x", false},
		{"wildcard empty label", "https://.notify.windows.com/x", false},
		{"trailing dot", "https://fcm.googleapis.com./x", false},
		{"ipv4 literal", "https://127.0.0.1/x", false},
		{"ipv4 literal with port", "https://169.254.169.254:443/latest/meta-data", false},
		{"ipv6 literal", "https://[::1]/x", false},
		{"ipv6 zone", "https://[fe80::1%25eth0]/x", false},
		{"userinfo", "https://user:pw@fcm.googleapis.com/x", false},
		{"userinfo without password", "https://user@fcm.googleapis.com/x", false},
		{"odd port", "https://fcm.googleapis.com:8443/x", false},
		{"port 80", "https://fcm.googleapis.com:80/x", false},
		{"fragment", "https://fcm.googleapis.com/x#y", false},
		{"opaque", "https:fcm.googleapis.com/x", false},
		{"too long", "https://fcm.googleapis.com/" + strings.Repeat("a", maxEndpointLen), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := DefaultAllowlist().Check(tt.endpoint)
			if tt.ok && err != nil {
				t.Fatalf("Check(%q) = %v, want accepted", tt.endpoint, err)
			}
			if !tt.ok && !errors.Is(err, ErrUnknownPushService) {
				t.Fatalf("Check(%q) = %v, want ErrUnknownPushService", tt.endpoint, err)
			}
		})
	}
}

func FuzzAllowlistCheck(f *testing.F) {
	for _, s := range []string{"https://fcm.googleapis.com/fcm/send/x", "https://a.notify.windows.com/w", "https://127.0.0.1/", "https://u@web.push.apple.com:443/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, endpoint string) {
		if DefaultAllowlist().Check(endpoint) != nil {
			return
		}
		u, err := url.Parse(endpoint)
		if err != nil || u.Scheme != "https" || u.User != nil {
			t.Fatalf("accepted %q", endpoint)
		}
		if p := u.Port(); p != "" && p != "443" {
			t.Fatalf("accepted port %q", p)
		}
		host := strings.ToLower(u.Hostname())
		if !strings.HasSuffix(host, ".googleapis.com") && !strings.HasSuffix(host, ".mozilla.com") &&
			!strings.HasSuffix(host, ".windows.com") && !strings.HasSuffix(host, ".apple.com") {
			t.Fatalf("accepted host %q", host)
		}
	})
}
