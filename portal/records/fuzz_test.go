package records

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"haven/portal/fault"
)

// FuzzSafetyPlan feeds untrusted plans (as the web layer decodes them) to
// normalize: it never panics, refuses only with fault.Invalid or
// fault.TooLarge, and an accepted plan is within limits, always lists 988,
// and is a fixed point (normalizing it again changes nothing).
func FuzzSafetyPlan(f *testing.F) {
	f.Add([]byte(`{"warning_signs":["not sleeping"],"help_contacts":[{"name":"Ana","phone":"+1 555 0100"}]}`))
	f.Add([]byte(`{"professionals":[{"name":"Lifeline","phone":"988"}],"reasons_for_living":[" kids "]}`))
	f.Add([]byte(`{"distractions":[{"name":"Park"}],"safe_environment":["", "lockbox"]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p SafetyPlan
		if json.Unmarshal(raw, &p) != nil {
			return
		}
		n, err := p.normalize()
		if err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) || (fe.Code != fault.Invalid && fe.Code != fault.TooLarge) {
				t.Fatalf("refusal %v is not Invalid or TooLarge", err)
			}
			return
		}
		for _, l := range [][]string{n.WarningSigns, n.CopingStrategies, n.SafeEnvironment, n.ReasonsForLiving} {
			if len(l) > MaxPlanEntries {
				t.Fatalf("section of %d entries accepted", len(l))
			}
			for _, e := range l {
				if e == "" || strings.TrimSpace(e) != e {
					t.Fatalf("entry %q not cleaned", e)
				}
			}
		}
		has988 := false
		for _, c := range n.Professionals {
			has988 = has988 || digits(c.Phone) == "988"
		}
		if !has988 {
			t.Fatal("accepted plan without 988")
		}
		again, err := n.normalize()
		if err != nil || !reflect.DeepEqual(again, n) {
			t.Fatalf("normalize is not idempotent: %v\n%+v\n%+v", err, n, again)
		}
	})
}

// FuzzCleanURL checks that only https links with a host and no
// credentials pass.
func FuzzCleanURL(f *testing.F) {
	for _, s := range []string{"https://example.org/a?b=c", "javascript:alert(1)", "HTTPS://EXAMPLE.ORG", "https://u@h/", " https://x.y "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := cleanURL(raw)
		if err != nil || got == "" {
			return
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("cleanURL(%q) = %q", raw, got)
		}
	})
}
