package web

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"haven/portal/account"
)

// endpoint is one JSON endpoint with a valid body to vary.
type endpoint struct {
	method, path string
	as           *client
	valid        map[string]any // nil: the endpoint takes no body
}

// sqlMeta are strings that break naively built SQL.
var sqlMeta = []string{
	`'; DROP TABLE users;--`,
	`a'--" OR "1"="1@x.org`,
	`%_\\$1 $$ ; DELETE FROM sessions`,
	`Robert'); DROP TABLE audit_log;-- ☃`,
}

func badInputEndpoints(t *testing.T, h *harness) ([]endpoint, *client) {
	t.Helper()
	h.createUser(account.RoleAdmin, "admin@clinic.example", "Ada Admin")
	patient := h.createUser(account.RolePatient, "pat@example.org", "Pat")
	admin := h.client()
	admin.staff("admin@clinic.example")
	anon := h.client()
	id := strconv.FormatInt(patient.ID, 10)
	return []endpoint{
		{"POST", "/api/session", anon, map[string]any{"email": "pat@example.org", "password": "not the password"}},
		{"POST", "/api/session/mfa", anon, map[string]any{"code": "123456"}},
		{"POST", "/api/mfa/enroll", anon, nil},
		{"POST", "/api/mfa/confirm", anon, map[string]any{"code": "123456"}},
		{"DELETE", "/api/session", anon, nil},
		{"POST", "/api/invitations/accept", anon, map[string]any{"token": "AAAA", "password": testPassword}},
		{"POST", "/api/invitations", admin, map[string]any{"email": "inv@example.org", "display_name": "Invited"}},
		{"POST", "/api/patients/" + id + "/break-glass", admin, map[string]any{"reason": "A reason that is long enough to pass", "minutes": 5}},
		{"POST", "/api/admin/users", admin, map[string]any{"email": "new@clinic.example", "display_name": "New", "role": "clinician", "password": testPassword}},
		{"POST", "/api/admin/users/" + id + "/disable", admin, nil},
		{"POST", "/api/session/everywhere", admin, nil},
	}, admin
}

func TestBadInputGetsAClearError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	endpoints, _ := badInputEndpoints(t, h)
	for _, ep := range endpoints {
		t.Run(ep.method+" "+ep.path, func(t *testing.T) {
			check := func(name string, r response, status int, msg string) {
				t.Helper()
				if r.status != status {
					t.Fatalf("%s: status %d, want %d; body %s", name, r.status, status, r.body)
				}
				if e := r.errorOf(t); !strings.Contains(e.Message, msg) {
					t.Fatalf("%s: message %q, want it to contain %q", name, e.Message, msg)
				}
			}
			check("malformed", ep.as.do(ep.method, ep.path, `{"email": "a",`), 400, "Malformed JSON")
			check("syntax", ep.as.do(ep.method, ep.path, `{"email" "a"}`), 400, "Malformed JSON at byte")
			check("unknown field", ep.as.do(ep.method, ep.path, `{"x": 1}`), 400, `unknown field "x"`)
			check("two objects", ep.as.do(ep.method, ep.path, `{} {}`), 400, "single JSON object")
			check("array", ep.as.do(ep.method, ep.path, `[]`), 400, "must be a JSON object")
			check("null", ep.as.do(ep.method, ep.path, `null`), 400, "must be a JSON object")
			check("content type", ep.as.do(ep.method, ep.path, `{}`, "Content-Type", "text/plain"), 415, "application/json")
			big := `{"x": "` + strings.Repeat("a", DefaultBodyLimit) + `"}`
			check("oversized", ep.as.do(ep.method, ep.path, big), 413, "larger than the limit of 1 MiB")
			for field, v := range ep.valid {
				body := copyWith(ep.valid, field, wrongType(v))
				check("wrong type of "+field, ep.as.do(ep.method, ep.path, body), 400, fmt.Sprintf("Field %q must be", field))
				if _, ok := v.(string); ok {
					check("NUL in "+field, ep.as.do(ep.method, ep.path, copyWith(ep.valid, field, "a\x00b")), 400, "not allowed")
				}
			}
		})
	}
}

func TestSQLMetacharactersNeverCause500(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	endpoints, admin := badInputEndpoints(t, h)
	created := 0
	for _, ep := range endpoints {
		for field, v := range ep.valid {
			if _, ok := v.(string); !ok {
				continue
			}
			for _, meta := range sqlMeta {
				r := ep.as.do(ep.method, ep.path, copyWith(ep.valid, field, meta))
				if r.status >= 500 {
					t.Fatalf("%s %s with %s=%q: %d %s", ep.method, ep.path, field, meta, r.status, r.body)
				}
				if r.status >= 400 {
					r.errorOf(t) // a clear error body
				}
				if ep.path == "/api/admin/users" && r.status == 201 {
					created++
					var u userEntry
					r.decode(t, &u)
					if field == "display_name" && u.DisplayName != meta {
						t.Fatalf("name stored as %q, want %q", u.DisplayName, meta)
					}
				}
			}
		}
	}
	// Every account created is whole, and nothing else was.
	var list struct {
		Users []userEntry `json:"users"`
	}
	admin.do("GET", "/api/admin/users", nil).want(t, 200).decode(t, &list)
	if want := 2 + created; len(list.Users) != want {
		t.Fatalf("%d accounts after the metacharacter run, want %d", len(list.Users), want)
	}
	for _, u := range list.Users {
		if u.Email == "pat@example.org" && u.DisplayName == "Pat" {
			return
		}
	}
	t.Fatalf("the patient's account is gone: %+v", list.Users)
}

func TestOversizedBodyWithoutContentLength(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.client()
	big := `{"email": "` + strings.Repeat("a", DefaultBodyLimit) + `", "password": "x"}`
	// A []byte body of unknown length is sent chunked.
	r := c.do("POST", "/api/session", io.NopCloser(strings.NewReader(big)))
	if r.status != 413 || r.errorOf(t).Code != "too_large" {
		t.Fatalf("chunked oversized body: %d %s", r.status, r.body)
	}
}

func copyWith(m map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for k, val := range m {
		out[k] = val
	}
	out[key] = v
	return out
}

func wrongType(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case int, float64, json.Number:
		return "ten"
	}
	return []int{1}
}
