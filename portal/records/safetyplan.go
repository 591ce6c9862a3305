package records

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// SafetyPlan is the Stanley–Brown Safety Planning Intervention's plan
// (Stanley B, Brown GK. Safety Planning Intervention: a brief intervention
// to mitigate suicide risk. Cogn Behav Pract 2012;19(2):256-264): six steps
// in order, and the reasons for living the form asks for.
type SafetyPlan struct {
	// Step 1: warning signs (thoughts, images, mood, situation, behaviour)
	// that a crisis may be developing.
	WarningSigns []string `json:"warning_signs"`
	// Step 2: internal coping strategies — things I can do to take my mind
	// off my problems without contacting another person.
	CopingStrategies []string `json:"coping_strategies"`
	// Step 3: people and social settings that provide distraction.
	Distractions []Contact `json:"distractions"`
	// Step 4: people whom I can ask for help.
	HelpContacts []Contact `json:"help_contacts"`
	// Step 5: professionals or agencies I can contact during a crisis. The
	// 988 Suicide & Crisis Lifeline is always among them.
	Professionals []Contact `json:"professionals"`
	// Step 6: making the environment safe (limiting access to lethal means).
	SafeEnvironment []string `json:"safe_environment"`
	// Optional: the one thing, or things, most important to me and worth
	// living for.
	ReasonsForLiving []string `json:"reasons_for_living"`
}

// Contact is a person, place or service in a safety plan. Phone is
// optional for a distraction (a place), and may be any dialable number.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
}

// Lifeline returns the 988 Suicide & Crisis Lifeline entry that every
// plan's professionals include (call or text 988, chat at 988lifeline.org).
func Lifeline() Contact {
	return Contact{Name: "988 Suicide & Crisis Lifeline (call or text)", Phone: "988"}
}

// Safety-plan limits.
const (
	MaxPlanEntries = 20  // per section
	MaxPlanEntry   = 500 // characters per entry
	maxContactName = 100
)

// normalize cleans and checks a plan: entries are trimmed, blank ones
// dropped, and 988 added to the professionals when missing. It fails with
// ErrSafetyPlanEntries, ErrBadContact, ErrText or ErrEmptySafetyPlan.
func (p SafetyPlan) normalize() (SafetyPlan, error) {
	var out SafetyPlan
	var err error
	lists := []struct {
		in  []string
		out *[]string
	}{{p.WarningSigns, &out.WarningSigns}, {p.CopingStrategies, &out.CopingStrategies},
		{p.SafeEnvironment, &out.SafeEnvironment}, {p.ReasonsForLiving, &out.ReasonsForLiving}}
	for _, l := range lists {
		if *l.out, err = cleanEntries(l.in); err != nil {
			return SafetyPlan{}, err
		}
	}
	contacts := []struct {
		in    []Contact
		out   *[]Contact
		phone bool // a phone number is required
	}{{p.Distractions, &out.Distractions, false}, {p.HelpContacts, &out.HelpContacts, true},
		{p.Professionals, &out.Professionals, true}}
	for _, c := range contacts {
		if *c.out, err = cleanContacts(c.in, c.phone); err != nil {
			return SafetyPlan{}, err
		}
	}
	if out.empty() {
		return SafetyPlan{}, ErrEmptySafetyPlan
	}
	out.Professionals = withLifeline(out.Professionals)
	return out, nil
}

func (p SafetyPlan) empty() bool {
	return len(p.WarningSigns)+len(p.CopingStrategies)+len(p.Distractions)+len(p.HelpContacts)+
		len(p.Professionals)+len(p.SafeEnvironment)+len(p.ReasonsForLiving) == 0
}

// withLifeline appends the 988 entry unless a professional already has
// that number.
func withLifeline(cs []Contact) []Contact {
	for _, c := range cs {
		if digits(c.Phone) == "988" {
			return cs
		}
	}
	return append(cs, Lifeline())
}

func cleanEntries(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, e := range in {
		e, err := cleanText(e, MaxPlanEntry, true)
		if errors.Is(err, ErrTooLong) {
			return nil, ErrSafetyPlanEntries
		}
		if err != nil {
			return nil, err
		}
		if e != "" {
			out = append(out, e)
		}
	}
	if len(out) > MaxPlanEntries {
		return nil, ErrSafetyPlanEntries
	}
	return out, nil
}

func cleanContacts(in []Contact, phoneRequired bool) ([]Contact, error) {
	out := make([]Contact, 0, len(in))
	for _, c := range in {
		name, err := cleanText(c.Name, maxContactName, false)
		if err != nil {
			return nil, ErrBadContact
		}
		phone := strings.TrimSpace(c.Phone)
		if name == "" && phone == "" {
			continue
		}
		if name == "" || (phone != "" || phoneRequired) && !validPhone(phone) {
			return nil, ErrBadContact
		}
		out = append(out, Contact{Name: name, Phone: phone})
	}
	if len(out) > MaxPlanEntries {
		return nil, ErrSafetyPlanEntries
	}
	return out, nil
}

// validPhone admits what people write as a phone number: 3 to 20 digits
// with an optional leading +, spaces, dots, dashes, parentheses, and an
// extension ("x123"), in at most 32 bytes.
func validPhone(p string) bool {
	if len(p) > 32 || !utf8.ValidString(p) {
		return false
	}
	main, ext, _ := strings.Cut(strings.ToLower(p), "x")
	for i, r := range main {
		switch {
		case r >= '0' && r <= '9', r == ' ', r == '.', r == '-', r == '(', r == ')':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	for _, r := range strings.TrimSpace(ext) {
		if r < '0' || r > '9' {
			return false
		}
	}
	n := len(digits(main))
	return n >= 3 && n <= 20
}

// digits keeps only the ASCII digits of s.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
