package measures

// Instrument ids, as stored and as used in URLs.
const (
	PHQ9  = "phq9"
	GAD7  = "gad7"
	CSSRS = "cssrs"
)

// Instrument is a questionnaire's published text and options, as data. The
// UI renders it as given; Version changes whenever any text changes, and a
// response records the version its answers refer to.
type Instrument struct {
	ID      string // PHQ9, GAD7 or CSSRS
	Name    string // the full published name
	Version string
	Stem    string // the instruction shown above the items; "" when none
	Source  string // authors, citation and terms of use
	Items   []Item // in the published order
}

// Item is one question. Key is stable across wording versions ("q1", …).
type Item struct {
	Key     string
	Text    string
	Help    string // examples printed with the question; "" when none
	Period  string // the period the question asks about, when the form names one ("Past month")
	Options []Option
	Scored  bool      // counts toward the total score
	AskedIf Condition // when the item is asked; the zero Condition means always
}

// Option is one allowed answer: its stored value and its published label.
type Option struct {
	Value int
	Label string
}

// Condition says when an item is asked. An item that is not asked must be
// left unanswered; one that is asked must be answered.
type Condition struct {
	// Yes, when set, names an item whose "Yes" (1) answer makes this item
	// asked: the C-SSRS skip logic.
	Yes string
	// AnyProblem makes the item asked when any scored item is above 0: the
	// difficulty question, "If you checked off any problems, …".
	AnyProblem bool
}

// holds reports whether an item with condition c is asked, given answers
// already checked against the options.
func (c Condition) holds(in Instrument, a Answers) bool {
	switch {
	case c.Yes != "":
		return a[c.Yes] == yes
	case c.AnyProblem:
		for _, it := range in.Items {
			if it.Scored && a[it.Key] > 0 {
				return true
			}
		}
		return false
	}
	return true
}

// item returns the item with key k.
func (in Instrument) item(k string) (Item, bool) {
	for _, it := range in.Items {
		if it.Key == k {
			return it, true
		}
	}
	return Item{}, false
}

// Instruments returns every instrument, in a stable order (PHQ-9, GAD-7,
// C-SSRS). The result is a fresh copy the caller may keep.
func Instruments() []Instrument {
	return []Instrument{phq9(), gad7(), cssrs()}
}

// Lookup returns the instrument with id, or ErrUnknownInstrument.
func Lookup(id string) (Instrument, error) {
	switch id {
	case PHQ9:
		return phq9(), nil
	case GAD7:
		return gad7(), nil
	case CSSRS:
		return cssrs(), nil
	}
	return Instrument{}, ErrUnknownInstrument
}

// The C-SSRS answers.
const (
	no  = 0
	yes = 1
)

func yesNo() []Option { return []Option{{no, "No"}, {yes, "Yes"}} }

// frequency is the PHQ-9 and GAD-7 response scale.
func frequency() []Option {
	return []Option{{0, "Not at all"}, {1, "Several days"}, {2, "More than half the days"}, {3, "Nearly every day"}}
}

// difficulty is the PHQ-9 and GAD-7 functional-impairment scale (not scored).
func difficulty() []Option {
	return []Option{{0, "Not difficult at all"}, {1, "Somewhat difficult"}, {2, "Very difficult"}, {3, "Extremely difficult"}}
}
