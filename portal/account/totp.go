package account

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"net/url"
	"strconv"
	"strings"
	"time"

	"haven/portal/fault"
)

// TOTP parameters (RFC 6238 defaults, which every authenticator app
// supports): HMAC-SHA-1, 30-second steps, 6 digits, a 160-bit secret.
const (
	totpPeriod    = 30
	totpDigits    = 6
	totpSecretLen = 20
	totpSkew      = 1 // steps accepted either side of now
)

var totpBase32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpStep returns the RFC 6238 time step containing t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// hotp computes the RFC 4226 HOTP value of secret at counter, with digits
// digits (dynamic truncation, then modulo 10^digits, zero-padded).
func hotp(secret []byte, counter int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, secret)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(uint64(bin%mod), 10)
	return strings.Repeat("0", digits-len(s)) + s
}

// totpMatch returns the step within ±totpSkew of now whose code equals
// code, preferring the newest step above after, or ok=false. replay reports
// that code matched only steps at or below after (already used). Codes are
// compared in constant time.
func totpMatch(secret []byte, code string, now time.Time, after int64) (step int64, ok, replay bool) {
	cur := totpStep(now)
	for st := cur + totpSkew; st >= cur-totpSkew; st-- {
		want := hotp(secret, st, totpDigits)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		if st > after {
			return st, true, false
		}
		replay = true
	}
	return 0, false, replay
}

// otpauthURI returns the otpauth:// URI an authenticator app scans
// (Google Authenticator key URI format).
func otpauthURI(issuer, account string, secret []byte) string {
	v := url.Values{}
	v.Set("secret", totpBase32.EncodeToString(secret))
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", strconv.Itoa(totpDigits))
	v.Set("period", strconv.Itoa(totpPeriod))
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	return "otpauth://totp/" + label + "?" + v.Encode()
}

// normalizeCode strips spaces and dashes from a typed code and lower-cases
// it, so "123 456" and "ABCD-EFGH-…" are accepted as typed.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

// ErrBadSecret means a TOTP secret is not valid base32.
var ErrBadSecret = fault.New(fault.Invalid, "the authenticator secret is not valid base32")

// TOTPCode returns the 6-digit code an authenticator app shows at time at
// for secret (base32, as in the otpauth URI; spaces and case ignored). It is
// what a person's phone computes: the demo and tests use it to sign in.
func TOTPCode(secret string, at time.Time) (string, error) {
	key, err := totpBase32.DecodeString(strings.ToUpper(strings.ReplaceAll(strings.TrimRight(secret, "="), " ", "")))
	if err != nil || len(key) == 0 {
		return "", ErrBadSecret
	}
	return hotp(key, totpStep(at), totpDigits), nil
}
