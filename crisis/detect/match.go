package detect

import "strings"

// span is a match over tokens [from, to), with the cap an idiom imposes.
type span struct {
	from, to int
	cap      Severity
}

// joined is a message's tokens concatenated without spaces, so a phrase
// matches whatever the spacing ("kill my self", "killmyself", "k i l l
// myself"), but only from the start of a token to the end of one, so
// "skill" never contains "kill".
type joined struct {
	text    string
	startAt []int // byte offset → index of the token starting there, or -1
	endAt   []int // byte offset → index+1 of the token ending there, or -1
}

// joinTokens concatenates tokens. A single-letter token repeating the
// single letter before it adds nothing, so a spaced-out "k i l l" squeezes
// like "kill" does.
func joinTokens(toks []token) joined {
	var b strings.Builder
	type bound struct{ start, end int }
	bounds := make([]bound, len(toks))
	for i, tk := range toks {
		start := b.Len()
		if !(i > 0 && len(tk.text) == 1 && toks[i-1].text == tk.text) {
			b.WriteString(tk.text)
		}
		bounds[i] = bound{start, b.Len()}
	}
	j := joined{text: b.String()}
	j.startAt = make([]int, len(j.text)+1)
	j.endAt = make([]int, len(j.text)+1)
	for i := range j.startAt {
		j.startAt[i], j.endAt[i] = -1, -1
	}
	for i, bd := range bounds {
		if bd.start == bd.end {
			continue
		}
		if j.startAt[bd.start] < 0 {
			j.startAt[bd.start] = i
		}
		j.endAt[bd.end] = i + 1
	}
	return j
}

// find returns every token-aligned occurrence of phrase.
func (j joined) find(phrase string) []span {
	var out []span
	for off := 0; off < len(j.text); {
		k := strings.Index(j.text[off:], phrase)
		if k < 0 {
			break
		}
		pos := off + k
		if from, to := j.startAt[pos], j.endAt[pos+len(phrase)]; from >= 0 && to > from {
			out = append(out, span{from: from, to: to})
		}
		off = pos + 1
	}
	return out
}

// negators negate a phrase that follows them in the same clause, through at
// most maxBridge bridge words ("not going to …", "never ever …").
var negators = map[string]bool{"not": true, "never": true, "neither": true, "nor": true}

// bridges are squeezed, like every token.
var bridges = map[string]bool{
	"going": true, "to": true, "ever": true, "realy": true, "actualy": true, "wil": true,
	"would": true, "do": true, "planing": true, "plan": true, "try": true, "trying": true,
	"want": true, "wanting": true, "even": true, "thinking": true, "think": true, "about": true,
	"be": true, "am": true, "i": true,
}

const maxBridge = 3

// negated reports whether the phrase starting at token from is negated.
func negated(toks []token, from int) bool {
	clause := toks[from].clause
	crossed := 0
	for i := from - 1; i >= 0 && toks[i].clause == clause; i-- {
		w := toks[i].text
		if negators[w] {
			return true
		}
		if !bridges[w] || crossed == maxBridge {
			return false
		}
		crossed++
	}
	return false
}

// idiomCap returns the lowest cap of the idioms m overlaps, or None.
func idiomCap(m span, idioms []span) Severity {
	c := None
	for _, id := range idioms {
		if m.from < id.to && id.from < m.to && (c == None || id.cap < c) {
			c = id.cap
		}
	}
	return c
}
