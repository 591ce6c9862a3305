package main

import (
	"os/exec"
	"strings"
	"testing"
)

// allowedImports lists, per top-level area of the house, which other areas
// its non-test code may import (DESIGN.md §1). Areas not listed as keys may
// not import any Haven package outside themselves.
var allowedImports = map[string][]string{
	"cmd":        {"*"},
	"web":        {"signaling", "chat", "crisis", "media", "push", "portal", "migrations"},
	"signaling":  {"portal/account", "portal/fault"},
	"chat":       {"signaling", "portal", "push"},
	"crisis":     {"signaling", "chat", "portal", "push"},
	"media":      {"signaling", "portal"},
	"push":       {"portal"},
	"portal":     {"portal"}, // refined by portalRank
	"migrations": {},
}

// portalRank orders the clinical packages: a package may import only
// packages of a strictly lower rank ("each other, downward only").
var portalRank = map[string]int{
	"portal/fault": 0,
	"portal/seal":  1, "portal/audit": 1,
	"portal/account": 2,
	"portal/visits":  3, "portal/meds": 3, "portal/measures": 3, "portal/records": 3,
	"portal/fhir": 4,
}

// area returns the area of a package path relative to the module
// ("portal/account/x" → "portal/account" for portal, else the first element).
func area(rel string) string {
	parts := strings.Split(rel, "/")
	if parts[0] == "portal" && len(parts) > 1 {
		return "portal/" + parts[1]
	}
	return parts[0]
}

// allowed reports whether code in area from may import area to.
func allowed(from, to string) bool {
	if from == to {
		return true
	}
	if strings.HasPrefix(from, "portal/") {
		fr, okf := portalRank[from]
		tr, okt := portalRank[to]
		return okf && okt && tr < fr
	}
	rules := allowedImports[strings.SplitN(from, "/", 2)[0]]
	for _, r := range rules {
		if r == "*" || r == to || strings.HasPrefix(to, r+"/") {
			return true
		}
	}
	return false
}

func TestHouseImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "haven/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], "haven/")
		if pkg == "zzwarm" {
			continue
		}
		from := area(pkg)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, "haven/") {
				continue
			}
			to := area(strings.TrimPrefix(imp, "haven/"))
			if to == "web" || to == "cmd" {
				if from != to && !(from == "cmd" && to == "web") {
					t.Errorf("%s imports %s: only cmd imports web, and nothing imports cmd", pkg, imp)
				}
				continue
			}
			if !allowed(from, to) {
				t.Errorf("%s imports %s: %s may not import %s (DESIGN.md §1)", pkg, imp, from, to)
			}
			checked++
		}
	}
	t.Logf("checked %d internal imports", checked)
}

func TestHouseRulesThemselves(t *testing.T) {
	cases := []struct {
		from, to string
		want     bool
	}{
		{"signaling", "chat", false},
		{"signaling", "portal/account", true},
		{"chat", "signaling", true},
		{"chat", "crisis", false},
		{"crisis", "chat", true},
		{"media", "chat", false},
		{"push", "signaling", false},
		{"portal/account", "portal/audit", true},
		{"portal/audit", "portal/account", false},
		{"portal/meds", "portal/visits", false},
		{"portal/fhir", "portal/meds", true},
		{"portal/account", "chat", false},
		{"migrations", "portal/account", false},
		{"web", "chat", true},
	}
	for _, c := range cases {
		if got := allowed(c.from, c.to); got != c.want {
			t.Errorf("allowed(%s → %s) = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
