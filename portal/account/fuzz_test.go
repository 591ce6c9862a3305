package account

import (
	"encoding/base64"
	"strings"
	"testing"
)

// Tokens arrive from cookies and links: untrusted.
func FuzzTokenHash(f *testing.F) {
	tok, _, _ := newToken()
	f.Add(tok)
	f.Add("")
	f.Add(strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := tokenHash(s)
		if !ok {
			return
		}
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != 32 || len(h) != 32 {
			t.Fatalf("accepted %q", s)
		}
		if base64.RawURLEncoding.EncodeToString(raw) != s {
			t.Fatalf("accepted a non-canonical token %q", s)
		}
	})
}

// Emails arrive from sign-in and invitation forms: untrusted.
func FuzzValidEmail(f *testing.F) {
	for _, s := range []string{"a'--@x.org", " A@B.C ", "@x", "a@", "a@b..c", "é@ü.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := validEmail(s)
		if err != nil {
			return
		}
		if again, err := validEmail(e); err != nil || again != e {
			t.Fatalf("validEmail not idempotent on %q: %q, %v", e, again, err)
		}
		if len(e) > 254 || !strings.Contains(e, "@") || strings.ContainsAny(e, " \n\t") {
			t.Fatalf("accepted %q", e)
		}
	})
}

// Codes arrive from the MFA form: untrusted.
func FuzzNormalizeCode(f *testing.F) {
	f.Add("123 456")
	f.Add("abcd-EFGH-2345-6777")
	f.Fuzz(func(t *testing.T, s string) {
		n := normalizeCode(s)
		if normalizeCode(n) != n || strings.ContainsAny(n, " -\t") {
			t.Fatalf("normalizeCode(%q) = %q is not normalized", s, n)
		}
		if isTOTPCode(n) && len(n) != 6 {
			t.Fatalf("isTOTPCode(%q)", n)
		}
	})
}
