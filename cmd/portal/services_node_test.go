package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
)

// TestServeWiresEveryService: through `portal serve`, every service the
// edge fronts answers a signed-in patient (none says 503 "not
// available"), chat attachments are mounted behind the session, and the
// FHIR API serves its CapabilityStatement and the patient's own export.
func TestServeWiresEveryService(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	client := signInPatient(t, env, srv, "wired@example.org")

	getJSON := func(path string, want int, into any) {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("GET %s = %d %s, want %d", path, resp.StatusCode, body, want)
		}
		if into != nil {
			if err := json.Unmarshal(body, into); err != nil {
				t.Fatalf("GET %s: %v in %s", path, err, body)
			}
		}
	}
	var me struct {
		ID int64 `json:"id"`
	}
	getJSON("/api/me", http.StatusOK, &me)
	if me.ID == 0 {
		t.Fatal("no user id from /api/me")
	}
	pid := strconv.FormatInt(me.ID, 10)
	for _, path := range []string{
		"/api/push/key",                          // push
		"/api/crisis/mine",                       // crisis
		"/api/patients/" + pid + "/appointments", // visits
		"/api/patients/" + pid + "/medications",  // meds
		"/api/patients/" + pid + "/mood",         // measures
		"/api/patients/" + pid + "/safety-plan",  // records
		"/api/video/sessions",                    // video
		"/fhir/metadata",                         // FHIR
	} {
		getJSON(path, http.StatusOK, nil)
	}
	getJSON("/api/chat/attachments/999999", http.StatusNotFound, nil)

	var bundle struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
			} `json:"resource"`
		} `json:"entry"`
	}
	getJSON("/fhir/Patient/"+pid+"/$everything", http.StatusOK, &bundle)
	if bundle.ResourceType != "Bundle" || len(bundle.Entry) == 0 || bundle.Entry[0].Resource.ResourceType != "Patient" || bundle.Entry[0].Resource.ID != pid {
		t.Fatalf("$everything = %+v, want a Bundle starting with Patient/%s", bundle, pid)
	}

	// The CapabilityStatement is public; a patient's data is not.
	for path, want := range map[string]int{"/fhir/metadata": http.StatusOK, "/fhir/Patient/" + pid: http.StatusUnauthorized} {
		anon, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		anon.Body.Close()
		if anon.StatusCode != want {
			t.Fatalf("GET %s without a session = %d, want %d", path, anon.StatusCode, want)
		}
	}
}
