package webtest

import (
	"encoding/base32"
	"testing"
	"time"
)

// The RFC 6238 Appendix B vectors for SHA-1, truncated to 6 digits (the
// last six of the 8-digit values).
func TestTOTPMatchesRFC6238(t *testing.T) {
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	} {
		got, err := TOTP(secret, time.Unix(tc.unix, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("TOTP at %d = %s, want %s", tc.unix, got, tc.want)
		}
	}
}

func TestTOTPRefusesMalformedSecret(t *testing.T) {
	if _, err := TOTP("not base32 !", time.Now()); err == nil {
		t.Fatal("TOTP accepted a malformed secret")
	}
}
