package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// elementSet is the parsed _elements parameter: top-level element names.
type elementSet map[string]bool

// maxElements bounds the names in _elements.
const maxElements = 50

// parseElements parses "a,b,c": 1 to 50 element names, each a letter
// followed by letters and digits.
func parseElements(s string) (elementSet, error) {
	names := strings.Split(s, ",")
	if len(names) > maxElements {
		return nil, ErrBadElements
	}
	set := make(elementSet, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if !elementName(n) {
			return nil, ErrBadElements
		}
		set[n] = true
	}
	return set, nil
}

func elementName(n string) bool {
	if n == "" || len(n) > 64 || !(n[0] >= 'a' && n[0] <= 'z' || n[0] >= 'A' && n[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// has reports whether the set names n; a nil set names nothing.
func (e elementSet) has(n string) bool { return e[n] }

// mandatory lists, per type, the elements of minimum cardinality 1 that a
// subsetted resource keeps whether asked for or not.
var mandatory = map[string][]string{
	"Appointment":           {"status", "participant"},
	"Communication":         {"status"},
	"MedicationStatement":   {"status", "medicationCodeableConcept", "subject"},
	"MedicationRequest":     {"status", "intent", "medicationCodeableConcept", "subject"},
	"QuestionnaireResponse": {"status"},
	"Questionnaire":         {"status"},
	"Observation":           {"status", "code"},
	"DocumentReference":     {"status", "content"},
}

// subset trims the resource res of type typ to the elements of e (plus
// resourceType, id, meta and the type's mandatory elements), keeping their
// order, and tags it SUBSETTED. A nil e returns res unchanged.
func subset(typ string, res any, e elementSet) (any, error) {
	if e == nil {
		return res, nil
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // '{'
		return nil, err
	}
	keep := func(k string) bool {
		return k == "resourceType" || k == "id" || e[k] || contains(mandatory[typ], k)
	}
	var out bytes.Buffer
	out.WriteByte('{')
	first := true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		if key == "meta" {
			if val, err = tagSubsetted(val); err != nil {
				return nil, err
			}
		} else if !keep(key) {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&out, "%q:", key)
		out.Write(val)
	}
	out.WriteByte('}')
	return json.RawMessage(out.Bytes()), nil
}

// tagSubsetted adds the SUBSETTED tag to an encoded meta.
func tagSubsetted(raw json.RawMessage) (json.RawMessage, error) {
	var m meta
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	m.Tag = append(m.Tag, subsettedTag())
	return json.Marshal(m)
}
