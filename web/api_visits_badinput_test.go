package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// careEndpoints lists every JSON route of visits and medications with a
// valid body (nil: the route takes none), each called by someone allowed.
func (f careFixture) careEndpoints() []endpoint {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	doc := "/api/clinicians/" + id(f.cl.inside.ID)
	appt, med := "/api/appointments/"+id(f.appt), "/api/medications/"+id(f.med)
	medication := map[string]any{"name": "Sertraline", "dose": "50 mg", "instructions": "With breakfast",
		"daily_times": []any{"08:00"}, "zone": clinicZone, "start": "2026-01-05", "stop": "", "prescriber_id": 0}
	return []endpoint{
		{"PUT", doc + "/availability", f.cl.ic, map[string]any{"zone": clinicZone,
			"weekly":     []any{map[string]any{"weekday": 1, "start": "09:00", "end": "12:00"}},
			"exceptions": []any{map[string]any{"date": "2030-01-02", "kind": "off", "start": "", "end": ""}}}},
		{"POST", doc + "/visit-types", f.cl.ic, map[string]any{"name": "Check-in", "minutes": 25, "modality": "in_person"}},
		{"DELETE", "/api/visit-types/" + id(f.vt.ID+100), f.cl.ic, nil},
		{"POST", f.patientPath + "/appointments", f.cl.pc, map[string]any{"clinician_id": f.cl.inside.ID, "visit_type_id": f.vt.ID, "start": f.slot}},
		{"POST", appt + "/reschedule", f.cl.pc, map[string]any{"start": f.slot}},
		{"POST", appt + "/cancel", f.cl.pc, nil},
		{"POST", f.patientPath + "/waitlist", f.cl.pc, map[string]any{"clinician_id": f.cl.inside.ID, "visit_type_id": f.vt.ID, "before": f.slot}},
		{"DELETE", "/api/waitlist/" + id(f.entry), f.cl.pc, nil},
		{"POST", "/api/offers/" + id(f.offer) + "/accept", f.cl.pc, nil},
		{"POST", "/api/offers/" + id(f.offer) + "/decline", f.cl.pc, nil},
		{"POST", f.patientPath + "/medications", f.cl.ic, medication},
		{"PUT", med, f.cl.ic, medication},
		{"DELETE", med, f.cl.ic, nil},
		{"PUT", med + "/reminders", f.cl.pc, map[string]any{"on": true, "zone": clinicZone}},
		{"POST", med + "/refills", f.cl.pc, nil},
		{"POST", med + "/doses", f.cl.pc, map[string]any{"day": f.doseDay, "time": "08:00", "status": "taken"}},
		{"POST", "/api/refills/" + id(f.refill) + "/decision", f.cl.ic, map[string]any{"decision": "decline", "note": "Please book a visit first"}},
	}
}

// careRoutesGiveClearErrorsForBadInput: malformed JSON, unknown fields,
// wrong types and NUL characters on every JSON route are 400 (415 for
// another content type) with a clear message, never 500.
func careRoutesGiveClearErrorsForBadInput(t *testing.T, f careFixture) {
	for _, ep := range f.careEndpoints() {
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
			check("malformed", ep.as.do(ep.method, ep.path, `{"start": "a",`), 400, "Malformed JSON")
			check("unknown field", ep.as.do(ep.method, ep.path, `{"x": 1}`), 400, `unknown field "x"`)
			check("array", ep.as.do(ep.method, ep.path, `[]`), 400, "must be a JSON object")
			check("two objects", ep.as.do(ep.method, ep.path, `{} {}`), 400, "single JSON object")
			check("content type", ep.as.do(ep.method, ep.path, `{}`, "Content-Type", "text/plain"), 415, "application/json")
			for field, v := range ep.valid {
				r := ep.as.do(ep.method, ep.path, copyWith(ep.valid, field, wrongType(v)))
				switch v.(type) {
				case string, int, int64, bool:
					check("wrong type of "+field, r, 400, fmt.Sprintf("Field %q must be", field))
				default:
					check("wrong type of "+field, r, 400, "must be")
				}
				if _, ok := v.(string); ok {
					check("NUL in "+field, ep.as.do(ep.method, ep.path, copyWith(ep.valid, field, "a\x00b")), 400, "not allowed")
				}
			}
		})
	}
}

// careRoutesSurviveSQLMetacharacters: SQL metacharacters in every string
// field and query parameter get an answer below 500, with a clear error
// body when refused.
func careRoutesSurviveSQLMetacharacters(t *testing.T, f careFixture) {
	seen := func(ep string, r response) {
		t.Helper()
		if r.status >= 500 {
			t.Fatalf("%s: %d %s", ep, r.status, r.body)
		}
		if r.status >= 400 {
			r.errorOf(t)
		}
	}
	for _, ep := range f.careEndpoints() {
		for field, v := range ep.valid {
			if _, ok := v.(string); !ok {
				continue
			}
			for _, meta := range sqlMeta {
				seen(ep.method+" "+ep.path+" "+field, ep.as.do(ep.method, ep.path, copyWith(ep.valid, field, meta)))
			}
		}
	}
	doc := "/api/clinicians/" + strconv.FormatInt(f.cl.inside.ID, 10)
	for _, meta := range sqlMeta {
		m := url.QueryEscape(meta)
		for _, path := range []string{
			doc + "/slots?type=" + m,
			doc + "/slots?type=" + strconv.FormatInt(f.vt.ID, 10) + "&from=" + m,
			doc + "/slots?type=" + strconv.FormatInt(f.vt.ID, 10) + "&to=" + m,
			doc + "/day?date=" + m,
			f.patientPath + "/appointments?from=" + m,
			f.patientPath + "/adherence?days=" + m,
			"/api/appointments/" + url.PathEscape(meta),
			"/api/medications/" + url.PathEscape(meta) + "/refills",
		} {
			as := f.cl.pc
			if strings.Contains(path, "/day") {
				as = f.cl.ic
			}
			method := "GET"
			if strings.HasSuffix(path, "/refills") {
				method = "POST"
			}
			r := as.do(method, path, nil)
			if r.status != 400 && r.status != 404 {
				t.Fatalf("%s %s: %d %s, want a clear 400 or 404", method, path, r.status, r.body)
			}
			r.errorOf(t)
		}
	}
}

// careQueryParametersAreChecked: missing or malformed query parameters
// and path ids are 400 with a message saying what is wrong.
func careQueryParametersAreChecked(t *testing.T, f careFixture) {
	doc := "/api/clinicians/" + strconv.FormatInt(f.cl.inside.ID, 10)
	typ := strconv.FormatInt(f.vt.ID, 10)
	for _, tc := range []struct {
		as   *client
		path string
		says string
	}{
		{f.cl.pc, doc + "/slots", "Choose a visit type"},
		{f.cl.pc, doc + "/slots?type=-3", "positive whole numbers"},
		{f.cl.pc, doc + "/slots?type=" + typ + "&from=yesterday", "RFC 3339"},
		{f.cl.pc, doc + "/slots?type=" + typ + "&from=2030-01-10T00:00:00Z&to=2030-01-01T00:00:00Z", "date range"},
		{f.cl.pc, doc + "/slots?type=" + typ + "&from=2030-01-01T00:00:00Z&to=2030-06-01T00:00:00Z", "at most 62 days"},
		{f.cl.ic, doc + "/day", "YYYY-MM-DD"},
		{f.cl.ic, doc + "/day?date=2030-02-31", "YYYY-MM-DD"},
		{f.cl.pc, f.patientPath + "/appointments?from=2030-01-01", "RFC 3339"},
		{f.cl.pc, f.patientPath + "/adherence?days=0", "between 1 and 90"},
		{f.cl.pc, f.patientPath + "/adherence?days=ten", "between 1 and 90"},
		{f.cl.pc, "/api/appointments/0", "positive whole number"},
		{f.cl.pc, "/api/appointments/99999999999999999999", "positive whole number"},
		{f.cl.pc, "/api/patients/x/medications", "positive whole number"},
	} {
		e := tc.as.do("GET", tc.path, nil).want(t, 400).errorOf(t)
		if !strings.Contains(e.Message, tc.says) {
			t.Fatalf("GET %s: %q, want it to say %q", tc.path, e.Message, tc.says)
		}
	}
	if e := f.cl.pc.do("GET", "/api/appointments/987654", nil).want(t, 404).errorOf(t); e.Code != "not_found" {
		t.Fatalf("unknown appointment: %+v", e)
	}
}
