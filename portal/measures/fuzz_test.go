package measures_test

import (
	"encoding/json"
	"errors"
	"testing"

	"haven/portal/fault"
	"haven/portal/measures"
)

// FuzzEvaluate feeds untrusted answer sets (as the web layer decodes them)
// to Evaluate: it must never panic, must refuse with fault.Invalid, and an
// accepted set must score within the instrument's range.
func FuzzEvaluate(f *testing.F) {
	f.Add("phq9", []byte(`{"q1":1,"q2":1,"q3":2,"q4":1,"q5":0,"q6":1,"q7":1,"q8":0,"q9":0,"difficulty":1}`))
	f.Add("gad7", []byte(`{"q1":0,"q2":0,"q3":0,"q4":0,"q5":0,"q6":0,"q7":0}`))
	f.Add("cssrs", []byte(`{"q1":1,"q2":1,"q3":0,"q4":0,"q5":1,"q6":1,"q6_recent":0}`))
	f.Add("cssrs", []byte(`{"q6_recent":1}`))
	f.Fuzz(func(t *testing.T, id string, raw []byte) {
		var a measures.Answers
		if json.Unmarshal(raw, &a) != nil {
			return
		}
		s, err := measures.Evaluate(id, a)
		if err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Code != fault.Invalid {
				t.Fatalf("refusal %v is not fault.Invalid", err)
			}
			return
		}
		if s.Total < 0 || s.Total > s.Max || s.Band == "" {
			t.Fatalf("accepted %s %v scored %+v", id, a, s)
		}
		if s.Escalation != "" && !s.CrisisResources {
			t.Fatalf("escalation without crisis resources: %+v", s)
		}
	})
}
