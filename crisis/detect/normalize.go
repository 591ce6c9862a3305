package detect

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// token is one normalised word of a message and the clause it belongs to.
// Clauses end at sentence punctuation followed by a space, commas, line
// breaks and contrast words ("but"); they only bound negation, never a match.
type token struct {
	text   string
	clause int
}

// confusables maps letters that look like Latin ones (Cyrillic, Greek) to
// the Latin letter, after lower-casing.
var confusables = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j',
	'ѕ': 's', 'к': 'k', 'м': 'm', 'т': 't', 'в': 'b', 'н': 'h', 'ԁ': 'd', 'ӏ': 'l',
	'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'ν': 'v',
}

// leet maps digits and symbols used as letters inside words ("k1ll", "$uicide").
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '|': 'l'}

// clauseWords end a clause: what follows them is not negated by what precedes.
var clauseWords = map[string]bool{"but": true, "though": true, "although": true, "however": true, "except": true, "yet": true}

// tokenize normalises text into tokens: compatibility-decomposed (NFKD)
// with marks and invisible format characters dropped, lower-cased,
// look-alike letters mapped to Latin, apostrophes removed ("don't" →
// "dont"), everything else that is not a letter or digit a separator.
// Each word is then de-disguised (deleet) and squeezed; the phrase list's
// rewrites are applied later, by the table.
func tokenize(text string) []token {
	var (
		out       []token
		word      []rune
		clause    int
		pendBreak bool // sentence punctuation seen; a following space ends the clause
	)
	flush := func() {
		if len(word) == 0 {
			return
		}
		switch w := squeeze(deleet(word)); {
		case w == "":
		case clauseWords[w]:
			clause++
		default:
			out = append(out, token{text: w, clause: clause})
		}
		word = word[:0]
	}
	for _, r := range norm.NFKD.String(text) {
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			continue // accents, combining marks, zero-width and soft hyphens
		}
		r = unicode.ToLower(r)
		if c, ok := confusables[r]; ok {
			r = c
		}
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == 'ʼ' || r == '´':
			// inside a word: "don't" is "dont"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendBreak && len(word) == 0 {
				pendBreak = false
			}
			word = append(word, r)
		case r == '@' || r == '$' || r == '|':
			word = append(word, r) // maybe a letter in disguise; deleet decides
		case r == '\n' || r == '\r' || r == ',':
			flush()
			clause++
			pendBreak = false
		case r == '.' || r == '!' || r == '?' || r == ';' || r == ':':
			flush()
			pendBreak = true
		case unicode.IsSpace(r):
			flush()
			if pendBreak {
				clause++
				pendBreak = false
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// deleet maps disguised letters ("k1ll", "$uicide") in a word that has at
// least one letter. A word without letters keeps only its digits ("10").
func deleet(word []rune) []rune {
	hasLetter := false
	for _, r := range word {
		if unicode.IsLetter(r) {
			hasLetter = true
			break
		}
	}
	out := word[:0]
	for _, r := range word {
		l, disguised := leet[r]
		switch {
		case hasLetter && disguised:
			out = append(out, l)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			out = append(out, r)
		}
	}
	return out
}

// squeeze collapses every run of a repeated character to one ("sooo" →
// "so", "kill" → "kil"). Phrases are squeezed the same way, so doubled
// letters never matter.
func squeeze(word []rune) string {
	var b strings.Builder
	var prev rune = -1
	for _, r := range word {
		if r != prev {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}
