package measures

// Answers maps item keys ("q1", …) to option values. Only items that are
// asked may be answered.
type Answers map[string]int

// Band is a severity band (PHQ-9, GAD-7) or a C-SSRS risk level.
type Band string

// PHQ-9 and GAD-7 severity bands.
const (
	BandMinimal          Band = "minimal"
	BandMild             Band = "mild"
	BandModerate         Band = "moderate"
	BandModeratelySevere Band = "moderately_severe" // PHQ-9 only
	BandSevere           Band = "severe"
)

// C-SSRS screener risk levels (see cssrsRisk for the mapping).
const (
	RiskNone     Band = "none"
	RiskLow      Band = "low"
	RiskModerate Band = "moderate"
	RiskHigh     Band = "high"
)

// Crisis severities passed to the Escalator.
const (
	SeverityMedium = "medium"
	SeverityHigh   = "high"
)

// Score is the result of a complete questionnaire.
type Score struct {
	// Total is the sum of the scored items (PHQ-9 0–27, GAD-7 0–21). For the
	// C-SSRS, which has no sum, it is the risk level as a number for charts:
	// 0 none, 1 low, 2 moderate, 3 high.
	Total int  `json:"total"`
	Max   int  `json:"max"`
	Band  Band `json:"band"`
	// Escalation is the crisis severity the answers call for
	// (SeverityMedium or SeverityHigh), or "" when none.
	Escalation string `json:"escalation,omitempty"`
	// CrisisResources says the patient should be shown crisis resources now:
	// whenever Escalation is set, and for a low C-SSRS risk.
	CrisisResources bool `json:"crisis_resources,omitempty"`
}

// Evaluate checks that answers complete instrument id and scores them. It
// fails with ErrUnknownInstrument, ErrBadAnswer (a value outside the item's
// options), ErrUnaskedAnswer (an unknown item, or one the skip logic does
// not ask) or ErrIncomplete (an asked item left blank, or no answers).
func Evaluate(id string, answers Answers) (Score, error) {
	in, err := Lookup(id)
	if err != nil {
		return Score{}, err
	}
	if err := check(in, answers); err != nil {
		return Score{}, err
	}
	return score(in, answers), nil
}

// check enforces options, skip logic and completeness.
func check(in Instrument, a Answers) error {
	if len(a) == 0 {
		return ErrIncomplete
	}
	for k, v := range a {
		it, ok := in.item(k)
		if !ok {
			return ErrUnaskedAnswer
		}
		if !hasOption(it, v) {
			return ErrBadAnswer
		}
	}
	for _, it := range in.Items {
		_, answered := a[it.Key]
		asked := it.AskedIf.holds(in, a)
		switch {
		case asked && !answered:
			return ErrIncomplete
		case !asked && answered:
			return ErrUnaskedAnswer
		}
	}
	return nil
}

func hasOption(it Item, v int) bool {
	for _, o := range it.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

// score computes the Score of checked answers.
func score(in Instrument, a Answers) Score {
	if in.ID == CSSRS {
		return cssrsScore(cssrsRisk(a))
	}
	var s Score
	for _, it := range in.Items {
		if it.Scored {
			s.Total += a[it.Key]
			s.Max += it.Options[len(it.Options)-1].Value
		}
	}
	if in.ID == PHQ9 {
		s.Band = phq9Band(s.Total)
		s.Escalation = phq9Escalation(a[phq9SelfHarm])
	} else {
		s.Band = gad7Band(s.Total)
	}
	s.CrisisResources = s.Escalation != ""
	return s
}

// cssrsScore turns a risk level into a Score: high escalates as high,
// moderate as medium; any risk shows crisis resources.
func cssrsScore(risk Band) Score {
	s := Score{Band: risk, Max: 3}
	switch risk {
	case RiskHigh:
		s.Total, s.Escalation = 3, SeverityHigh
	case RiskModerate:
		s.Total, s.Escalation = 2, SeverityMedium
	case RiskLow:
		s.Total = 1
	}
	s.CrisisResources = risk != RiskNone
	return s
}
