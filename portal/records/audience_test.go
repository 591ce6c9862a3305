package records

import (
	"testing"
	"time"

	"haven/portal/account"
)

// TestAudienceRule pins the one rule of who sees which note, as checked on
// every row read (the SQL filters say the same).
func TestAudienceRule(t *testing.T) {
	now := time.Now()
	const author, colleague = 7, 8
	notes := map[string]Note{
		"shared":        {Kind: KindProgress, AuthorID: author, SharedAt: now},
		"withheld":      {Kind: KindVisitSummary, AuthorID: author, Withheld: PreventingHarm, WithheldAt: now},
		"psychotherapy": {Kind: KindPsychotherapy, AuthorID: author},
		// Rows the schema forbids; if one ever appeared, the patient must not see it.
		"psychotherapy marked shared": {Kind: KindPsychotherapy, AuthorID: author, SharedAt: now},
		"shared and withheld":         {Kind: KindProgress, AuthorID: author, SharedAt: now, Withheld: Privacy},
	}
	readers := map[string]audience{
		"patient":   viewOf(account.Actor{UserID: 1, Role: account.RolePatient}),
		"export":    patientView(),
		"author":    viewOf(account.Actor{UserID: author, Role: account.RoleClinician}),
		"colleague": viewOf(account.Actor{UserID: colleague, Role: account.RoleClinician}),
	}
	want := map[string][]string{
		"patient":   {"shared"},
		"export":    {"shared"},
		"author":    {"shared", "withheld", "psychotherapy", "psychotherapy marked shared", "shared and withheld"},
		"colleague": {"shared", "withheld", "shared and withheld"},
	}
	for reader, aud := range readers {
		sees := map[string]bool{}
		for _, n := range want[reader] {
			sees[n] = true
		}
		for name, n := range notes {
			if got := aud.sees(n); got != sees[name] {
				t.Errorf("%s sees %q: %v, want %v", reader, name, got, sees[name])
			}
		}
	}
}
