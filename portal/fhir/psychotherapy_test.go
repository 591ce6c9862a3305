package fhir_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"haven/portal/account"
)

// psychotherapyNeverAppears: seed wrote a psychotherapy note (and a
// withheld one) and searches every answer, to the patient and to the note's
// own author, for their text: as written, JSON-escaped and base64-encoded,
// and inside every decoded attachment. The shared note's text must be
// found the same way, so the search is known to work.
func psychotherapyNeverAppears(t *testing.T, e *env, s seeded) {
	pid := strconv.FormatInt(e.patient.UserID, 10)
	routes := append(e.routes(),
		"/fhir/DocumentReference/"+pid+"-"+strconv.FormatInt(s.psychNoteID, 10),
		"/fhir/Communication?patient="+pid+"&_elements=payload",
	)
	secrets := []string{s.psychBody, s.psychTitle, s.withheldBody}
	for _, actor := range []account.Actor{e.patient, e.doc} {
		sharedSeen := false
		for _, route := range routes {
			_, body := e.do(actor, http.MethodGet, route)
			text := string(body) + "\n" + strings.Join(attachments(t, body), "\n")
			for _, secret := range secrets {
				for _, form := range []string{secret, jsonEscaped(secret), base64.StdEncoding.EncodeToString([]byte(secret))} {
					if strings.Contains(text, form) {
						t.Errorf("GET %s as user %d: a note that is not shared appears", route, actor.UserID)
					}
				}
			}
			sharedSeen = sharedSeen || strings.Contains(text, s.sharedBody)
		}
		if !sharedSeen {
			t.Errorf("user %d: the shared note never appears: the search cannot see notes", actor.UserID)
		}
	}
	e.get(e.doc, "/fhir/DocumentReference/"+pid+"-"+strconv.FormatInt(s.psychNoteID, 10), http.StatusNotFound)
}

// attachments decodes every attachment's data in body, at any depth.
func attachments(t *testing.T, body []byte) []string {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if data, ok := x["data"].(string); ok {
				b, err := base64.StdEncoding.DecodeString(data)
				if err != nil {
					t.Errorf("attachment data is not base64: %v", err)
				}
				out = append(out, string(b))
			}
			for _, v := range x {
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	walk(doc)
	return out
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}
