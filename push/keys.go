package push

import (
	"crypto/ecdh"
	"encoding/base64"
	"strings"

	"haven/portal/fault"
)

// ErrBadKeys means a subscription's p256dh is not an uncompressed P-256
// point (65 bytes) or its auth secret is not 16 bytes.
var ErrBadKeys = fault.New(fault.Invalid, "invalid push subscription keys")

// decodeKeys decodes and checks a subscription's keys. Browsers send
// base64url without padding; padded and standard base64 are accepted too.
func decodeKeys(k Keys) (p256dh, auth []byte, err error) {
	p256dh, ok := decodeB64(k.P256dh, 65)
	if !ok || p256dh[0] != 4 {
		return nil, nil, ErrBadKeys
	}
	if _, err := ecdh.P256().NewPublicKey(p256dh); err != nil {
		return nil, nil, ErrBadKeys
	}
	auth, ok = decodeB64(k.Auth, 16)
	if !ok {
		return nil, nil, ErrBadKeys
	}
	return p256dh, auth, nil
}

// decodeB64 decodes s, in any of the base64 alphabets with or without
// padding, and reports whether it is exactly n bytes.
func decodeB64(s string, n int) ([]byte, bool) {
	if len(s) > 4*n {
		return nil, false
	}
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != n {
		return nil, false
	}
	return b, true
}
