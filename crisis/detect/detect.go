// Package detect finds risk language (suicidal ideation, self-harm, intent,
// a plan, means) in a patient's message. It reports a severity, the matched
// category, the rule id and the phrase-list version — never the text — so
// a result can be stored and logged.
//
// The detector errs toward flagging: misspellings, spacing, disguised
// letters and repeated letters are normalised away; a negated phrase ("I'm
// not going to kill myself") lowers the severity one step but never clears
// it; everyday idioms ("this homework is killing me") stay at low or none.
// It is a pure function of the text and the list: no I/O, no state, safe for
// concurrent use.
package detect

import "strconv"

// Version names the phrase list compiled into this package
// (phrases_<Version>.txt). Every Result carries it.
const Version = "v2"

// Result is what Detect found. It never contains any of the message's text.
type Result struct {
	Severity Severity
	Category Category // "" when Severity is None
	Rule     string   // the winning rule's id ("N002"); "" when None
	Version  string   // the phrase list version
	Negated  bool     // the winning match was lowered because it was negated
}

// Ref returns a reference to the rule for storing with an escalation
// ("rule:N002@v2"), or "" when nothing was found.
func (r Result) Ref() string {
	if r.Rule == "" {
		return ""
	}
	return "rule:" + r.Rule + "@" + r.Version
}

// Detector matches messages against one phrase list.
type Detector struct {
	t *table
}

// New returns a detector for the embedded phrase list of Version. It panics
// only if the embedded list is malformed, which the package tests rule out.
func New() *Detector {
	t, err := parseTable(phrasesCurrent)
	if err != nil {
		panic("detect: " + err.Error())
	}
	if t.version != Version {
		panic("detect: phrase list version " + strconv.Quote(t.version) + " is not " + Version)
	}
	return &Detector{t: t}
}

// Detect returns the most severe risk language in text (earlier rules win
// ties), or a Result with Severity None. Lines of a multi-line message are
// read as one text, so a phrase split across lines still matches.
func (d *Detector) Detect(text string) Result {
	best := Result{Version: d.t.version}
	toks := d.t.rewrite(tokenize(text))
	if len(toks) == 0 {
		return best
	}
	j := joinTokens(toks)
	var idioms []span
	for _, r := range d.t.rules {
		if r.cat != idiom {
			continue
		}
		for _, m := range j.find(r.joined) {
			m.cap = r.sev
			idioms = append(idioms, m)
		}
	}
	bestOrder := -1
	for _, r := range d.t.rules {
		if r.cat == idiom {
			continue
		}
		for _, m := range j.find(r.joined) {
			sev, neg := r.sev, negated(toks, m.from)
			if neg {
				sev = sev.lower()
			}
			if c := idiomCap(m, idioms); c != None && sev > c {
				sev = c
			}
			if sev > best.Severity || (sev == best.Severity && r.order < bestOrder) {
				best = Result{Severity: sev, Category: r.cat, Rule: r.id, Version: d.t.version, Negated: neg}
				bestOrder = r.order
			}
		}
	}
	return best
}
