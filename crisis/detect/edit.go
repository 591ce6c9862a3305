package detect

// oneEditAway reports whether a and b are equal or one edit apart: one
// rune inserted, deleted or replaced, or two adjacent runes swapped.
func oneEditAway(a, b string) bool {
	if a == b {
		return true
	}
	x, y := []rune(a), []rune(b)
	if len(x) < len(y) {
		x, y = y, x
	}
	if len(x)-len(y) > 1 {
		return false
	}
	i := 0
	for i < len(y) && x[i] == y[i] {
		i++
	}
	if len(x) != len(y) {
		return string(x[i+1:]) == string(y[i:]) // one deletion
	}
	if string(x[i+1:]) == string(y[i+1:]) {
		return true // one replacement
	}
	return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:])
}
