package detect

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

// phrasesCurrent is the phrase list in use (Version); earlier lists stay
// in the package as the record of what older results were matched with.
//
//go:embed phrases_v2.txt
var phrasesCurrent string

// rule is one line of the phrase list, normalised.
type rule struct {
	id     string
	cat    Category
	sev    Severity
	fuzzy  bool
	joined string // the phrase's normalised words, concatenated
	order  int    // position in the list: earlier wins ties
}

// table is a parsed phrase list.
type table struct {
	version  string
	unigrams map[string][]string // one squeezed word → its standard words
	bigrams  map[[2]string]string
	fuzzy    []string // the words of fuzzy rules
	rules    []rule
}

var ruleIDRE = regexp.MustCompile(`^[A-Z][0-9]{3}$`)

// parseTable reads a phrase list in the format documented at the top of
// phrases_v2.txt. Every rule must normalise to at least one letter and ids
// must be unique.
func parseTable(src string) (*table, error) {
	t := &table{unigrams: map[string][]string{}, bigrams: map[[2]string]string{}}
	ids := map[string]bool{}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		var err error
		switch {
		case t.version == "":
			if len(f) != 2 || f[0] != "version" {
				err = fmt.Errorf("want the version line first")
			}
			t.version = f[len(f)-1]
		case f[0] == "rewrite":
			err = t.addRewrite(strings.TrimPrefix(line, "rewrite"))
		case f[0] == "rule":
			err = t.addRule(f[1:], ids)
		default:
			err = fmt.Errorf("unknown line kind %q", f[0])
		}
		if err != nil {
			return nil, fmt.Errorf("phrase list line %d: %w", n+1, err)
		}
	}
	if len(t.rules) == 0 {
		return nil, fmt.Errorf("phrase list: no rules")
	}
	return t, nil
}

// addRewrite adds "from words => to words"; from is one or two words.
func (t *table) addRewrite(def string) error {
	from, to, ok := strings.Cut(def, "=>")
	if !ok {
		return fmt.Errorf("rewrite without =>")
	}
	fw, tw := words(tokenize(from)), words(tokenize(to))
	if len(tw) == 0 {
		return fmt.Errorf("rewrite to nothing")
	}
	switch len(fw) {
	case 1:
		if fw[0] == strings.Join(tw, " ") {
			return fmt.Errorf("rewrite %q is a no-op", fw[0])
		}
		t.unigrams[fw[0]] = tw
	case 2:
		if len(tw) != 1 {
			return fmt.Errorf("a two-word rewrite must give one word")
		}
		t.bigrams[[2]string{fw[0], fw[1]}] = tw[0]
	default:
		return fmt.Errorf("rewrite from %d words; want 1 or 2", len(fw))
	}
	return nil
}

// addRule adds "id category severity exact|fuzzy phrase…".
func (t *table) addRule(f []string, ids map[string]bool) error {
	if len(f) < 5 {
		return fmt.Errorf("rule needs id, category, severity, match and a phrase")
	}
	r := rule{id: f[0], cat: Category(f[1]), order: len(t.rules)}
	if !ruleIDRE.MatchString(r.id) || ids[r.id] {
		return fmt.Errorf("rule id %q is malformed or repeated", r.id)
	}
	ids[r.id] = true
	if !knownCategory(r.cat) {
		return fmt.Errorf("rule %s: unknown category %q", r.id, f[1])
	}
	sev, ok := ParseSeverity(f[2])
	if !ok || sev == None {
		return fmt.Errorf("rule %s: bad severity %q", r.id, f[2])
	}
	r.sev = sev
	switch f[3] {
	case "exact":
	case "fuzzy":
		r.fuzzy = true
	default:
		return fmt.Errorf("rule %s: match must be exact or fuzzy", r.id)
	}
	w := words(t.rewrite(tokenize(strings.Join(f[4:], " "))))
	if len(w) == 0 || (r.fuzzy && len(w) != 1) {
		return fmt.Errorf("rule %s: a phrase needs a word, a fuzzy one exactly one", r.id)
	}
	if r.fuzzy {
		t.fuzzy = append(t.fuzzy, w[0])
	}
	r.joined = strings.Join(w, "")
	t.rules = append(t.rules, r)
	return nil
}

// rewrite applies the list's rewrites to tokens: fuzzy canonical words
// first, then one-word rewrites, then two-word merges.
func (t *table) rewrite(toks []token) []token {
	out := make([]token, 0, len(toks))
	for i, tk := range toks {
		if spelledOut(toks, i) {
			out = append(out, tk) // a letter of a spaced-out word: "s u i c i d e"
			continue
		}
		tk.text = t.canonical(tk.text)
		for _, w := range t.unigramOf(tk.text) {
			out = append(out, token{text: w, clause: tk.clause})
		}
	}
	if len(t.bigrams) == 0 {
		return out
	}
	merged := out[:0]
	for i := 0; i < len(out); i++ {
		if i+1 < len(out) && out[i].clause == out[i+1].clause {
			if w, ok := t.bigrams[[2]string{out[i].text, out[i+1].text}]; ok {
				merged = append(merged, token{text: w, clause: out[i].clause})
				i++
				continue
			}
		}
		merged = append(merged, out[i])
	}
	return merged
}

func (t *table) unigramOf(w string) []string {
	if r, ok := t.unigrams[w]; ok {
		return r
	}
	return []string{w}
}

// canonical returns the fuzzy word w is one edit away from, or w.
func (t *table) canonical(w string) string {
	if len(w) < 6 {
		return w
	}
	for _, f := range t.fuzzy {
		if oneEditAway(w, f) {
			return f
		}
	}
	return w
}

// spelledOut reports whether token i is a single letter next to another
// single letter.
func spelledOut(toks []token, i int) bool {
	single := func(j int) bool { return j >= 0 && j < len(toks) && len(toks[j].text) == 1 }
	return single(i) && (single(i-1) || single(i+1))
}

func words(toks []token) []string {
	out := make([]string, len(toks))
	for i, tk := range toks {
		out[i] = tk.text
	}
	return out
}
