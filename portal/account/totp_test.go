package account

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// RFC 6238 Appendix B, SHA-1 rows: 8 digits, secret "12345678901234567890".
func TestHOTPMatchesRFC6238Vectors(t *testing.T) {
	secret := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		got := hotp(secret, totpStep(time.Unix(tc.unix, 0)), 8)
		if got != tc.want {
			t.Errorf("T=%d: got %s, want %s", tc.unix, got, tc.want)
		}
		// The 6-digit code is the same value modulo 10^6.
		if six := hotp(secret, totpStep(time.Unix(tc.unix, 0)), 6); six != tc.want[2:] {
			t.Errorf("T=%d six digits: got %s, want %s", tc.unix, six, tc.want[2:])
		}
	}
}

func TestTOTPMatchWindow(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1234567890, 0)
	cur := totpStep(now)
	for _, tc := range []struct {
		name   string
		offset int64
		ok     bool
	}{
		{"previous step", -1, true},
		{"current step", 0, true},
		{"next step", 1, true},
		{"two steps back", -2, false},
		{"two steps ahead", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := hotp(secret, cur+tc.offset, 6)
			step, ok, _ := totpMatch(secret, code, now, 0)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if ok && step != cur+tc.offset {
				t.Fatalf("step = %d, want %d", step, cur+tc.offset)
			}
		})
	}
	t.Run("replay of accepted step", func(t *testing.T) {
		code := hotp(secret, cur, 6)
		if _, ok, replay := totpMatch(secret, code, now, cur); ok || !replay {
			t.Fatalf("ok=%v replay=%v, want refused as replay", ok, replay)
		}
	})
}

func TestOTPAuthURI(t *testing.T) {
	uri := otpauthURI("Haven", "a'--@x.org", []byte("12345678901234567890"))
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("uri %q: want otpauth://totp/…", uri)
	}
	if got := strings.TrimPrefix(u.Path, "/"); got != "Haven:a'--@x.org" {
		t.Fatalf("label = %q", got)
	}
	q := u.Query()
	if q.Get("secret") != "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" || q.Get("issuer") != "Haven" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Fatalf("query = %v", q)
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"123 456":             "123456",
		"ABCD-efgh-2345-7777": "abcdefgh23457777",
		"\t12-34-56 ":         "123456",
	} {
		if got := normalizeCode(in); got != want {
			t.Errorf("normalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTOTPCodeMatchesVerifier(t *testing.T) {
	secret := make([]byte, totpSecretLen)
	for i := range secret {
		secret[i] = byte(i * 7)
	}
	at := time.Unix(1_800_000_000, 0)
	code, err := TOTPCode(strings.ToLower(totpBase32.EncodeToString(secret)), at)
	if err != nil {
		t.Fatal(err)
	}
	if step, ok, _ := totpMatch(secret, code, at, 0); !ok || step != totpStep(at) {
		t.Fatalf("TOTPCode %q not accepted at its own step", code)
	}
	if _, err := TOTPCode("not base32 !", at); !errors.Is(err, ErrBadSecret) {
		t.Fatalf("malformed secret: err = %v, want ErrBadSecret", err)
	}
}
