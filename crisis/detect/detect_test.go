package detect

import (
	"strings"
	"testing"
)

// check runs one table case and reports a mismatch with the case's name only
// (the inputs are synthetic, but the habit of not echoing text is kept).
func check(t *testing.T, d *Detector, text string, sev Severity, cat Category) Result {
	t.Helper()
	got := d.Detect(text)
	if got.Severity != sev || (cat != "" && got.Category != cat) {
		t.Errorf("Detect(%q) = %s/%s (rule %s), want %s/%s", text, got.Severity, got.Category, got.Rule, sev, cat)
	}
	if got.Version != Version {
		t.Errorf("Detect(%q).Version = %q, want %q", text, got.Version, Version)
	}
	return got
}

func TestDetectPositivesPerCategory(t *testing.T) {
	d := New()
	cases := []struct {
		text string
		sev  Severity
		cat  Category
	}{
		{"I want to kill myself", High, Intent},
		{"i'm going to end my life tonight", High, Intent},
		{"tonight is the night", Medium, Intent},
		{"I have decided to end it all", High, Intent},
		{"This is goodbye everyone", High, Intent},
		{"I've decided to die", High, Intent},
		{"I'm going to hurt myself", High, Intent},
		{"I already wrote a goodbye note", High, Plan},
		{"I have a plan to kill myself", High, Plan},
		{"how many pills would it take", High, Plan},
		{"how many pills would it take", High, Plan},
		{"I want to hang myself", High, Plan},
		{"I'll jump off a bridge", High, Plan},
		{"I bought a gun yesterday", Medium, Means},
		{"been stockpiling pills for weeks", High, Means},
		{"there's a bottle of pills next to me", Medium, Means},
		{"I saved up my pills", High, Means},
		{"I have the pills saved up and I'm going to take them tonight", High, Means}, // v2
		{"been hoarding my pills", High, Means},                                       // v2
		{"I keep thinking about suicide", Medium, Ideation},
		{"i feel suicidal", Medium, Ideation},
		{"I wish I was dead", Medium, Ideation},
		{"everyone would be better off without me", Medium, Ideation},
		{"I don't want to live anymore", Medium, Ideation},
		{"I hope I never wake up", Medium, Ideation},
		{"i just wanna die", Medium, Ideation},
		{"I want to unalive myself", Medium, Ideation},
		{"kms", Medium, Ideation},
		{"I cut myself last night", Medium, SelfHarm},
		{"I've been self-harming again", Medium, SelfHarm},
		{"I keep hurting myself", Medium, SelfHarm},
		{"nobody would miss me", Medium, Ideation},
		{"I'm thinking of ending it", Medium, Ideation},
		{"I feel hopeless", Low, Ideation},
		{"I can't take it anymore", Low, Ideation},
		{"I can't go on like this", Low, Ideation},
	}
	for _, c := range cases {
		got := check(t, d, c.text, c.sev, c.cat)
		if got.Rule == "" || got.Negated {
			t.Errorf("Detect(%q) = rule %q negated %v, want a rule, not negated", c.text, got.Rule, got.Negated)
		}
	}
}

func TestDetectNegatedLowersButNeverClears(t *testing.T) {
	d := New()
	cases := []struct {
		text string
		sev  Severity
	}{
		{"I'm not going to kill myself", Medium},
		{"I would never hurt myself", Low},
		{"I would never ever hurt myself", Low},
		{"I don't want to die", Low},
		{"I'm not suicidal", Low},
		{"I am not planning to kill myself tonight", Medium},
	}
	for _, c := range cases {
		got := check(t, d, c.text, c.sev, "")
		if !got.Negated {
			t.Errorf("Detect(%q).Negated = false, want true", c.text)
		}
	}
	// Negation does not reach past a clause or an unrelated word.
	notNegated := []struct {
		text string
		sev  Severity
	}{
		{"I'm not okay. I want to kill myself", High},
		{"I'm not okay, I want to kill myself", High},
		{"I'm not sad but I want to die", Medium},
		{"nothing helps and I'm not okay i want to die", Medium},
		{"I can't stop thinking about killing myself", Medium},
	}
	for _, c := range notNegated {
		if got := check(t, d, c.text, c.sev, ""); got.Negated {
			t.Errorf("Detect(%q).Negated = true, want false", c.text)
		}
	}
}

func TestDetectNormalisesSpellingAndSpacing(t *testing.T) {
	d := New()
	cases := []struct {
		text string
		sev  Severity
		cat  Category
	}{
		{"i want to kil myself", High, Intent},
		{"i want to k i l l myself", High, Intent},
		{"i want to k.i.l.l myself", High, Intent},
		{"i want to killmyself", High, Intent},
		{"i want to kill my self", High, Intent},
		{"i want to kiiiiill myslef", High, Intent},
		{"i want to k1ll mys3lf", High, Intent},
		{"thinking about suicde", Medium, Ideation},
		{"thinking about sucide", Medium, Ideation},
		{"thinking about suicied", Medium, Ideation},
		{"so sucidal today", Medium, Ideation},
		{"i'm gonna commit suicdie", High, Intent},
		{"s u i c i d e", Medium, Ideation},
		{"sewer slide", Medium, Ideation},
		{"unalive", Medium, Ideation},
		{"i'm sooooo done, i wanna diiiie", Medium, Ideation},
		{"I WANT TO KILL MYSELF", High, Intent},
		{"I Want To Kill MySelf", High, Intent},
		{"Ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ", High, Intent},                    // full-width
		{"i want to kíll mysélf", High, Intent},                    // accents
		{"i want to ki\u200bll myself", High, Intent},              // zero-width space
		{"i want to kіll myself", High, Intent},                    // Cyrillic і
		{"i want to\nkill\nmyself", High, Intent},                  // split over lines
		{"hi\n\nhow are you\n\ni have a suicide plan", High, Plan}, // multi-line
		{"ok.\nI'm not fine.\nI bought a gun.", Medium, Means},     // multi-line
		{"I want to k-i-l-l myself!!!", High, Intent},              // punctuation
		{"\"i want to kill myself\" - me, every day", High, Intent},
	}
	for _, c := range cases {
		check(t, d, c.text, c.sev, c.cat)
	}
}

func TestDetectIdiomsStayLow(t *testing.T) {
	d := New()
	idioms := []string{
		"this homework is killing me",
		"I'm dying to see that film",
		"that joke killed",
		"my feet are killing me",
		"I could kill for a coffee",
		"dead tired after work",
		"I nearly killed myself laughing",
		"you killed it today",
		"I'm bored to death in this waiting room",
		"I want to die my hair blue",
		"that cake is to die for",
		"I cut myself a slice of cake",
		"In the end it all worked out",
	}
	for _, text := range idioms {
		if got := d.Detect(text); got.Severity > Low {
			t.Errorf("Detect(%q) = %s (rule %s), want at most low", text, got.Severity, got.Rule)
		}
	}
	// An idiom elsewhere in the message does not hide real risk language.
	check(t, d, "this homework is killing me and i want to kill myself", High, Intent)
}

func TestDetectNothing(t *testing.T) {
	d := New()
	for _, text := range []string{"", "   ", "\n\n", "Thanks, see you Tuesday!", "I have great skills", "skill myself up",
		"I'm feeling better", "ok.", "!!!", "1234", "I have a plan for the weekend", "I didn't wake up on time",
		"how many pills should I take for a headache?", "I wrote a note to my teacher", "we set a date for the wedding"} {
		got := check(t, d, text, None, "")
		if got.Rule != "" || got.Category != "" || got.Ref() != "" {
			t.Errorf("Detect(%q) = %+v, want no rule", text, got)
		}
	}
}

func TestResultNeverContainsText(t *testing.T) {
	d := New()
	text := "I want to kill myself with the zebra"
	got := d.Detect(text)
	for _, field := range []string{got.Rule, string(got.Category), got.Version, got.Ref()} {
		if strings.Contains(field, "zebra") || strings.Contains(field, "kill") {
			t.Errorf("result field %q carries message text", field)
		}
	}
	if got.Ref() != "rule:"+got.Rule+"@"+Version {
		t.Errorf("Ref() = %q", got.Ref())
	}
}

func TestHigherRuleWinsOverNegatedOne(t *testing.T) {
	d := New()
	// A negated phrase and an un-negated one: the un-negated one counts.
	check(t, d, "I'm not going to hurt myself. I'm going to kill myself", High, Intent)
}

func TestPhraseListParses(t *testing.T) {
	tb, err := parseTable(phrasesCurrent)
	if err != nil {
		t.Fatal(err)
	}
	if tb.version != Version {
		t.Fatalf("phrase list version %q, Version %q", tb.version, Version)
	}
	seen := map[Category]int{}
	for _, r := range tb.rules {
		seen[r.cat]++
	}
	for _, c := range []Category{Ideation, SelfHarm, Intent, Plan, Means, idiom} {
		if seen[c] == 0 {
			t.Errorf("no rules of category %s", c)
		}
	}
}

func TestParseTableRejectsMalformedLists(t *testing.T) {
	bad := map[string]string{
		"no version":      "rule A001 ideation high exact x y",
		"no rules":        "version v9",
		"unknown kind":    "version v9\nfrobnicate x",
		"bad id":          "version v9\nrule a1 ideation high exact kill",
		"repeated id":     "version v9\nrule A001 ideation high exact kill\nrule A001 ideation high exact die",
		"bad category":    "version v9\nrule A001 feelings high exact kill",
		"bad severity":    "version v9\nrule A001 ideation none exact kill",
		"bad match":       "version v9\nrule A001 ideation high roughly kill",
		"empty phrase":    "version v9\nrule A001 ideation high exact ...",
		"fuzzy two words": "version v9\nrule A001 ideation high fuzzy kill me",
		"rewrite no =>":   "version v9\nrewrite a b\nrule A001 ideation high exact kill",
		"no-op rewrite":   "version v9\nrewrite kill => kil\nrule A001 ideation high exact kill",
		"three words":     "version v9\nrewrite a b c => d\nrule A001 ideation high exact kill",
	}
	for name, src := range bad {
		if _, err := parseTable(src); err == nil {
			t.Errorf("%s: parseTable accepted a malformed list", name)
		}
	}
}

func TestOneEditAway(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"suicide", "suicide", true},
		{"suicde", "suicide", true},
		{"suicidee", "suicide", true},
		{"suicied", "suicide", true},
		{"suiside", "suicide", true},
		{"sucidie", "suicide", false},
		{"suic", "suicide", false},
		{"", "a", true},
		{"ab", "ba", true},
		{"abc", "cab", false},
	}
	for _, c := range cases {
		if got := oneEditAway(c.a, c.b); got != c.want {
			t.Errorf("oneEditAway(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestSeverityNames(t *testing.T) {
	for _, s := range []Severity{None, Low, Medium, High} {
		got, ok := ParseSeverity(s.String())
		if !ok || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s.String(), got, ok)
		}
	}
	if _, ok := ParseSeverity("urgent"); ok {
		t.Error(`ParseSeverity("urgent") succeeded`)
	}
	if Severity(9).String() != "none" {
		t.Errorf("Severity(9).String() = %q", Severity(9).String())
	}
}
