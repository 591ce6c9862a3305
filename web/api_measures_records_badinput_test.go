package web

import (
	"fmt"
	"strings"
	"testing"
)

// TestChartBadInputNeverCauses500: every measures and records route, fed
// malformed bodies, wrong types, unknown fields, NUL characters, SQL
// metacharacters, out-of-range numbers, bad ids and bad query dates,
// answers with a clear 4xx error, never a 500.
func TestChartBadInputNeverCauses500(t *testing.T) {
	t.Parallel()
	ch := newChartHarness(t)
	routes := chartRoutes(ch.pid, chartFixture(t, ch))
	routes = append(routes,
		chartRoute{"GET /api/measures/instruments/{instrument}", "/api/measures/instruments/phq9", nil},
		chartRoute{"POST /api/resources", "/api/resources", map[string]any{"kind": "article", "title": "T", "body": "B"}},
	)
	for _, r := range routes {
		// Each route as someone it admits, so input reaches the checks
		// behind the access policy: the clinician, but the patient for
		// what only the patient may do.
		who, c := "clinician", ch.c.ic
		if r.pattern == "POST /api/patients/{id}/mood" {
			who, c = "patient", ch.c.pc
		}
		t.Run(r.pattern, func(t *testing.T) {
			for name, req := range badRequests(r) {
				res := c.do(r.method(), req.path, req.body)
				if res.status >= 500 || res.status < 400 && req.mustFail {
					t.Fatalf("%s, %s: %s %s: %d %s", who, name, r.method(), req.path, res.status, res.body)
				}
				if res.status >= 400 {
					if e := res.errorOf(t); e.Message == "" || e.Message == "internal error" {
						t.Fatalf("%s, %s: unclear error %+v", who, name, e)
					}
				}
			}
		})
	}
}

type badRequest struct {
	path     string
	body     any
	mustFail bool // the request is malformed, so it must be refused
}

// badRequests derives the bad variants of one route's valid request.
func badRequests(r chartRoute) map[string]badRequest {
	out := map[string]badRequest{}
	// Every number in the path in turn replaced by a bad id.
	segs := strings.Split(r.path, "/")
	for i, s := range segs {
		if s == "" || strings.Trim(s, "0123456789") != "" {
			if i == len(segs)-1 && strings.HasSuffix(r.pattern, "{instrument}") {
				for _, bad := range []string{"PHQ9", "phq9'--", "%00", "x"} {
					out["instrument "+bad] = badRequest{path: join(segs, i, bad), body: r.body, mustFail: true}
				}
			}
			continue
		}
		for _, bad := range []string{"abc", "0", "-1", "99999999999999999999", "1e3", "9223372036854775807"} {
			out["id "+bad+" at "+s] = badRequest{path: join(segs, i, bad), body: r.body, mustFail: bad != "9223372036854775807"}
		}
	}
	if r.method() == "GET" {
		for _, q := range []string{"?from=yesterday", "?to=2026-13-45", "?from=1800-01-01", "?from=2026-03-01&to=2026-02-01", "?from=%27;DROP", "?to=99999-01-01T00:00:00Z"} {
			out["query "+q] = badRequest{path: r.path + q}
		}
		return out
	}
	for name, raw := range map[string]string{"malformed": `{"a": `, "array": `[]`, "null": `null`, "two objects": `{} {}`, "unknown field": `{"zzz": 1}`, "string": `"x"`} {
		out[name] = badRequest{path: r.path, body: raw, mustFail: true}
	}
	valid, ok := r.body.(map[string]any)
	if !ok {
		return out
	}
	for field, v := range valid {
		out["wrong type of "+field] = badRequest{path: r.path, body: copyWith(valid, field, wrongType(v)), mustFail: true}
		switch v.(type) {
		case string:
			out["NUL in "+field] = badRequest{path: r.path, body: copyWith(valid, field, "a\x00b"), mustFail: true}
			out["control in "+field] = badRequest{path: r.path, body: copyWith(valid, field, "a\x07b")}
			out["huge "+field] = badRequest{path: r.path, body: copyWith(valid, field, strings.Repeat("é", 120_000))}
			for i, meta := range sqlMeta {
				out["sql "+field+" "+string(rune('a'+i))] = badRequest{path: r.path, body: copyWith(valid, field, meta)}
			}
		case int:
			for _, n := range []any{-1, 1 << 40, 9223372036854775807, 1e300, 2.5} {
				out[fmt.Sprint("number ", field, " ", n)] = badRequest{path: r.path, body: copyWith(valid, field, n)}
			}
		case map[string]any, map[string]int:
			out["empty "+field] = badRequest{path: r.path, body: copyWith(valid, field, map[string]any{})}
			out["nested junk in "+field] = badRequest{path: r.path, body: copyWith(valid, field, map[string]any{"q1": "x", "warning_signs": 3})}
		}
	}
	return out
}

func join(segs []string, i int, v string) string {
	c := append([]string(nil), segs...)
	c[i] = v
	return strings.Join(c, "/")
}
