package account

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func TestHashPasswordIsPHCArgon2id(t *testing.T) {
	h, err := hashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q: want OWASP argon2id parameters in PHC form", h)
	}
	p, err := parsePHC(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.salt) != 16 || len(p.key) != 32 {
		t.Fatalf("salt %d bytes, key %d bytes; want 16 and 32", len(p.salt), len(p.key))
	}
	h2, _ := hashPassword(testPassword)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	for pw, want := range map[string]bool{testPassword: true, "Correct horse battery staple": false} {
		ok, err := verifyPassword(pw, h)
		if err != nil || ok != want {
			t.Errorf("verify(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestParsePHCRefusesMalformed(t *testing.T) {
	good := dummyHash
	parts := strings.Split(good, "$")
	for name, s := range map[string]string{
		"empty":         "",
		"bcrypt":        "$2a$10$abcdefghijklmnopqrstuu",
		"argon2i":       strings.Replace(good, "argon2id", "argon2i", 1),
		"old version":   strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":   strings.Replace(good, "m=19456", "m=99999999", 1),
		"zero time":     strings.Replace(good, "t=2", "t=0", 1),
		"bad salt":      strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"short key":     strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"missing parts": "$argon2id$v=19$m=19456,t=2,p=1",
	} {
		if _, err := parsePHC(s); !errors.Is(err, errBadPHC) {
			t.Errorf("%s: err = %v, want errBadPHC", name, err)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	f.Add(dummyHash)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePHC(s)
		if err == nil && (p.memory > 1<<20 || p.time > 20 || len(p.salt) < 8 || len(p.key) < 16) {
			t.Fatalf("accepted out-of-bounds parameters from %q", s)
		}
	})
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, password, email string
		want                  error
	}{
		{"7 characters", "abcdefg", "", ErrPasswordShort},
		{"8 characters", "qzv8#kLw", "", nil},
		{"8 runes of multibyte text", "ßüñçøéåæ", "", nil},
		{"7 runes of 14 bytes", "ßüñçøéå", "", ErrPasswordShort},
		{"128 runes", strings.Repeat("é", 128), "", nil},
		{"129 runes", strings.Repeat("a", 129), "", ErrPasswordLong},
		{"no composition rules: lower-case words", "purple elephants dance", "", nil},
		{"common", "password1", "", ErrPasswordCommon},
		{"common, other case", "PassWord1", "", ErrPasswordCommon},
		{"common, 8+ from list", "baseball", "", ErrPasswordCommon},
		{"the email", "Someone@Example.org", "someone@example.org", ErrPasswordIsEmail},
		{"the email's local part", "someone.special", "someone.special@example.org", ErrPasswordIsEmail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPassword(tc.password, tc.email)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("CheckPassword(%q) = %v, want %v", tc.password, err, tc.want)
			}
		})
	}
}

func TestCommonListIsLoaded(t *testing.T) {
	if n := len(commonPasswords()); n < 3000 {
		t.Fatalf("common password list has %d entries, want at least 3000", n)
	}
	if ErrPasswordShort.Message != "Use at least 8 characters." || !strings.HasPrefix(ErrPasswordCommon.Message, "This password is too common") {
		t.Fatal("password messages changed; the UI shows them as they are")
	}
}

// BenchmarkHashPassword measures the argon2id cost that dominates sign-in
// latency (run with -benchmem for the memory per hash).
func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := hashPassword(testPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPassword measures the check done on every sign-in.
func BenchmarkVerifyPassword(b *testing.B) {
	h, _ := hashPassword(testPassword)
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := verifyPassword(testPassword, h); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func TestInsecureFastHashingIsOptIn(t *testing.T) {
	for _, c := range []struct {
		fast bool
		want argonCost
	}{{false, owaspCost}, {true, fastCost}} {
		s, err := New(Options{Pool: &pgxpool.Pool{}, Sealer: fakeSealer{}, Auditor: &fakeAuditor{}, InsecureFastHashing: c.fast})
		if err != nil {
			t.Fatal(err)
		}
		if s.cost != c.want {
			t.Errorf("InsecureFastHashing=%v: cost %+v, want %+v", c.fast, s.cost, c.want)
		}
	}
}
