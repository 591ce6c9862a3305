package fhir

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseElements(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string // nil: refused
	}{
		{"status", []string{"status"}},
		{"status, valueInteger,payload", []string{"status", "valueInteger", "payload"}},
		{"", nil},
		{"a,,b", nil},
		{"a.b", nil},
		{"1a", nil},
		{"value[x]", nil},
		{strings.Repeat("a,", 50) + "a", nil},
	} {
		got, err := parseElements(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("parseElements(%q) accepted", c.in)
			}
			continue
		}
		if err != nil || len(got) != len(c.want) {
			t.Errorf("parseElements(%q) = %v, %v", c.in, got, err)
			continue
		}
		for _, n := range c.want {
			if !got.has(n) {
				t.Errorf("parseElements(%q) lacks %q", c.in, n)
			}
		}
	}
}

func TestSubset(t *testing.T) {
	obs := observationResource{ResourceType: "Observation", ID: "1-score-2", Meta: meta{LastUpdated: "2024-01-01T00:00:00Z"},
		Status: "final", Category: surveyCategory(), Code: concept{Text: "x"}, Subject: patientRef(1),
		EffectiveDateTime: "2024-01-01", ValueInteger: int64p(0)}
	for _, c := range []struct {
		elements string
		want     string
	}{
		{"valueInteger", `{"resourceType":"Observation","id":"1-score-2","meta":{"lastUpdated":"2024-01-01T00:00:00Z",` +
			`"tag":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue","code":"SUBSETTED",` +
			`"display":"subsetted"}]},"status":"final","code":{"text":"x"},"valueInteger":0}`},
		{"subject,nothing", `{"resourceType":"Observation","id":"1-score-2","meta":{"lastUpdated":"2024-01-01T00:00:00Z",` +
			`"tag":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue","code":"SUBSETTED",` +
			`"display":"subsetted"}]},"status":"final","code":{"text":"x"},"subject":{"reference":"Patient/1"}}`},
	} {
		e, err := parseElements(c.elements)
		if err != nil {
			t.Fatal(err)
		}
		res, err := subset("Observation", obs, e)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(res)
		if string(got) != c.want {
			t.Errorf("_elements=%s:\n got %s\nwant %s", c.elements, got, c.want)
		}
	}
	if res, _ := subset("Observation", obs, nil); res.(observationResource).ID != obs.ID {
		t.Error("no _elements changed the resource")
	}
	q := questionnaireResource{ResourceType: "Questionnaire", ID: "phq9", Status: "active", Title: "PHQ-9"}
	e, _ := parseElements("title")
	res, _ := subset("Questionnaire", q, e)
	if got, _ := json.Marshal(res); !strings.Contains(string(got), `"status":"active"`) {
		t.Errorf("the mandatory status was dropped from %s", got)
	}
}

// FuzzElements: any _elements value is accepted or refused without panic,
// and what is accepted names only well-formed elements.
func FuzzElements(f *testing.F) {
	for _, s := range []string{"status", "a,b", "", ",", "a.b", "payload,status"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := parseElements(s)
		if err != nil {
			return
		}
		for n := range e {
			if !elementName(n) {
				t.Errorf("parseElements(%q) accepted %q", s, n)
			}
		}
	})
}
