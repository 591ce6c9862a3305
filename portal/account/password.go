package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: the OWASP Password Storage Cheat Sheet's first
// recommendation (m=19 MiB, t=2, p=1), a 16-byte salt and a 32-byte key.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32

	minPasswordRunes = 8
	maxPasswordRunes = 128
)

var b64 = base64.RawStdEncoding

// argonCost is an argon2id cost. New always uses owaspCost; only this
// package's tests lower it on their Service, to keep the suite fast.
type argonCost struct {
	memoryKiB, time uint32
	threads         uint8
}

var owaspCost = argonCost{memoryKiB: argonMemoryKiB, time: argonTime, threads: argonThreads}

// fastCost is the deliberately weak cost of Options.InsecureFastHashing.
var fastCost = argonCost{memoryKiB: 64, time: 1, threads: 1}

// hashPassword returns the argon2id hash of password at the OWASP cost in
// PHC string format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
// (unpadded standard base64).
func hashPassword(password string) (string, error) { return owaspCost.hash(password) }

// hash returns the argon2id hash of password at cost c in PHC string format.
func (c argonCost) hash(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, c.time, c.memoryKiB, c.threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, c.memoryKiB, c.time, c.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether password matches the PHC-format hash,
// comparing keys in constant time. It honours the parameters stored in the
// hash (within sane bounds) so stronger parameters can be rolled out later.
func verifyPassword(password, phc string) (bool, error) {
	p, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type phcParams struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

var errBadPHC = errors.New("account: malformed argon2id hash")

// parsePHC decodes an argon2id PHC string, refusing parameters outside
// bounds that could make verification absurdly slow (a corrupt row must not
// stall sign-in) or that argon2 itself refuses.
func parsePHC(s string) (phcParams, error) {
	var p phcParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, errBadPHC
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, errBadPHC
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil || n != 3 {
		return p, errBadPHC
	}
	if p.memory < 8*threads || p.memory > 1<<20 || p.time < 1 || p.time > 20 || threads < 1 || threads > 16 {
		return p, errBadPHC
	}
	p.threads = uint8(threads)
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 || len(p.salt) > 64 {
		return p, errBadPHC
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, errBadPHC
	}
	return p, nil
}

// CheckPassword applies the password policy (NIST SP 800-63B style): 8 to
// 128 characters counted as Unicode code points, no composition rules, not
// a commonly used password (compared case-insensitively), and not the
// account's own email address. It returns an Invalid fault.Error whose
// message tells the user what to change, or nil.
func CheckPassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < minPasswordRunes:
		return ErrPasswordShort
	case n > maxPasswordRunes:
		return ErrPasswordLong
	case isCommonPassword(password):
		return ErrPasswordCommon
	}
	lower := strings.ToLower(strings.TrimSpace(password))
	if e := normalizeEmail(email); e != "" {
		local, _, _ := strings.Cut(e, "@")
		if lower == e || lower == local {
			return ErrPasswordIsEmail
		}
	}
	return nil
}
