package detect

import (
	"testing"
	"unicode/utf8"
)

// FuzzDetect checks that Detect never panics, is deterministic, and returns
// a well-formed result for any input, valid UTF-8 or not.
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"", "I want to kill myself", "k i l l myself", "I'm not going to kill myself",
		"this homework is killing me", "suicde\n\nsucidal", "ｋｉｌｌ", "\xff\xfe", "a a a a", "' ' '",
		"i i i i i i", "can not not never", "$$$ @@@ |||", "kill my self-esteem",
	} {
		f.Add(s)
	}
	d := New()
	f.Fuzz(func(t *testing.T, text string) {
		a := d.Detect(text)
		b := d.Detect(text)
		if a != b {
			t.Fatalf("Detect is not deterministic: %+v then %+v", a, b)
		}
		if a.Version != Version {
			t.Fatalf("Version = %q", a.Version)
		}
		if (a.Severity == None) != (a.Rule == "") || (a.Rule == "") != (a.Category == "") {
			t.Fatalf("inconsistent result %+v", a)
		}
		if a.Severity < None || a.Severity > High || a.Category == idiom {
			t.Fatalf("bad result %+v", a)
		}
		if !utf8.ValidString(a.Rule) {
			t.Fatalf("rule id not UTF-8")
		}
	})
}
