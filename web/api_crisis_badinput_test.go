package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"haven/portal/account"
)

// crisisBadInputIsNever500 sends every crisis JSON route malformed
// bodies, unknown fields, wrong types, out-of-range and hostile values and
// bad ids: each answer is a 4xx with a clear error body. cc holds id, the
// crisis of patient (signed in as pc); doc is on the patient's care team.
func crisisBadInputIsNever500(t *testing.T, e *crisisEnv, cc, pc, doc *client, patient account.Account, id int64) {
	due := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	sid := strconv.FormatInt(id, 10)

	type route struct {
		method, path string
		as           *client
		valid        map[string]any
	}
	routes := []route{
		{"POST", "/api/crisis", pc, nil},
		{"POST", "/api/crisis/location", pc, map[string]any{"lat": 1.5, "lon": 2.5, "accuracy": 10}},
		{"PUT", "/api/crisis/oncall", cc, map[string]any{"switch": "on"}},
		{"POST", "/api/crisis/" + sid + "/claim", cc, nil},
		{"POST", "/api/crisis/" + sid + "/resolve", cc, map[string]any{"disposition": "de_escalated",
			"follow_ups": []any{map[string]any{"kind": "call_back", "assignee_id": 0, "due": due}}}},
		{"POST", "/api/patients/" + strconv.FormatInt(patient.ID, 10) + "/escalate", doc, map[string]any{"severity": "high", "conversation_id": 3}},
	}
	bodies := []string{`{"lat": 1,`, `{"x": 1}`, `[]`, `null`, `{} {}`, `"text"`, `{"lat": 1e999}`, `{"follow_ups": {"a": 1}}`}
	clear := func(name string, r response) {
		t.Helper()
		if r.status < 400 || r.status >= 500 {
			t.Errorf("%s: status %d; body %s", name, r.status, r.body)
			return
		}
		if e := r.errorOf(t); e.Message == "" || strings.Contains(e.Message, "internal") {
			t.Errorf("%s: unclear error %+v", name, e)
		}
	}
	for _, rt := range routes {
		for _, b := range bodies {
			clear(rt.method+" "+rt.path+" "+b, rt.as.do(rt.method, rt.path, b))
		}
		clear(rt.method+" "+rt.path+" text/plain", rt.as.do(rt.method, rt.path, `{}`, "Content-Type", "text/plain"))
		for field, v := range rt.valid {
			for _, bad := range []any{wrongType(v), "'; DROP TABLE crisis_escalations;--", -1, 1e308, []any{nil}, map[string]any{}} {
				r := rt.as.do(rt.method, rt.path, copyWith(rt.valid, field, bad))
				if r.status >= 500 {
					t.Errorf("%s %s with %s=%v: %d %s", rt.method, rt.path, field, bad, r.status, r.body)
				}
			}
		}
	}

	// Bad follow-ups and dispositions.
	for name, body := range map[string]map[string]any{
		"unknown disposition": {"disposition": "'; DELETE FROM users;--"},
		"no disposition":      {},
		"unknown kind":        {"disposition": "de_escalated", "follow_ups": []any{map[string]any{"kind": "sue", "due": due}}},
		"bad due":             {"disposition": "de_escalated", "follow_ups": []any{map[string]any{"kind": "call_back", "due": "tomorrow"}}},
		"due in 3000":         {"disposition": "de_escalated", "follow_ups": []any{map[string]any{"kind": "call_back", "due": "3000-01-01T00:00:00Z"}}},
		"unknown assignee":    {"disposition": "de_escalated", "follow_ups": []any{map[string]any{"kind": "call_back", "assignee_id": 1 << 40, "due": due}}},
		"negative assignee":   {"disposition": "de_escalated", "follow_ups": []any{map[string]any{"kind": "call_back", "assignee_id": -5, "due": due}}},
		"unknown member":      {"disposition": "de_escalated", "follow_ups": []any{map[string]any{"kind": "call_back", "due": due, "x": 1}}},
		"eleven follow-ups":   {"disposition": "de_escalated", "follow_ups": elevenFollowUps(due)},
	} {
		r := cc.do("POST", crisisPath(id, "/resolve"), body)
		if r.status != 400 {
			t.Errorf("resolve with %s: %d %s", name, r.status, r.body)
		}
	}

	// Bad ids in paths and queries.
	for _, p := range []string{"abc", "0", "-1", "99999999999999999999", "1.5", "%00"} {
		for _, tail := range []string{"", "/claim", "/resolve"} {
			method := "POST"
			if tail == "" {
				method = "GET"
			}
			clear(method+" id "+p+tail, cc.do(method, "/api/crisis/"+p+tail, map[string]any{"disposition": "de_escalated"}))
		}
		clear("mine ?id="+p, pc.do("GET", "/api/crisis/mine?id="+p, nil))
		clear("escalate "+p, doc.do("POST", "/api/patients/"+p+"/escalate", map[string]any{}))
	}
	// An escalation that does not exist.
	cc.do("POST", "/api/crisis/9223372036854775807/claim", nil).want(t, 404)
	var none crisisRequest
	pc.do("GET", "/api/crisis/mine?id=9223372036854775807", nil).want(t, 200).decode(t, &none)
	if none.Open {
		t.Fatal("an unknown id reads as an open request")
	}
	// The claimed request is whole after all of it.
	cc.do("GET", crisisPath(id, ""), nil).want(t, 200)
}

func elevenFollowUps(due string) []any {
	out := make([]any, 11)
	for i := range out {
		out[i] = map[string]any{"kind": "call_back", "due": due}
	}
	return out
}
