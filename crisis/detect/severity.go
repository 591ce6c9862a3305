package detect

// Severity grades how urgently a message needs a human. The zero value is
// None; the order None < Low < Medium < High is meaningful and stable.
type Severity int

// The severities, from no risk language found to imminent risk.
const (
	None   Severity = iota // nothing found
	Low                    // worrying language; show resources, no escalation needed
	Medium                 // ideation or self-harm language; a counselor should look
	High                   // intent, a plan or means; escalate at once
)

var severityNames = [...]string{"none", "low", "medium", "high"}

// String returns the stable wire name ("none", "low", "medium", "high").
func (s Severity) String() string {
	if s >= None && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "none"
}

// ParseSeverity returns the severity named by its wire name and whether the
// name was known.
func ParseSeverity(name string) (Severity, bool) {
	for i, n := range severityNames {
		if n == name {
			return Severity(i), true
		}
	}
	return None, false
}

// lower returns the next severity down, never below Low: a negated phrase
// still flags.
func (s Severity) lower() Severity {
	if s <= Low {
		return s
	}
	return s - 1
}

// Category is the kind of risk a rule recognises.
type Category string

// The categories of the phrase list. Idiom rules only cap other matches and
// are never reported.
const (
	Ideation Category = "ideation"  // thoughts of death or suicide
	SelfHarm Category = "self_harm" // hurting oneself without intent to die
	Intent   Category = "intent"    // a stated intention to act
	Plan     Category = "plan"      // a method, a time or preparations
	Means    Category = "means"     // access to a lethal means
	idiom    Category = "idiom"     // everyday figure of speech ("killing me")
)

func knownCategory(c Category) bool {
	switch c {
	case Ideation, SelfHarm, Intent, Plan, Means, idiom:
		return true
	}
	return false
}
