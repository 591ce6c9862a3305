package fhir

import (
	"slices"
	"time"
)

type capabilityStatement struct {
	ResourceType   string         `json:"resourceType"`
	ID             string         `json:"id"`
	Meta           meta           `json:"meta"`
	Status         string         `json:"status"`
	Date           string         `json:"date"`
	Kind           string         `json:"kind"`
	Software       software       `json:"software"`
	Implementation implementation `json:"implementation"`
	FHIRVersion    string         `json:"fhirVersion"`
	Format         []string       `json:"format"`
	Rest           []capRest      `json:"rest"`
}

type software struct {
	Name string `json:"name"`
}

type implementation struct {
	Description string `json:"description"`
	URL         string `json:"url"`
}

type capRest struct {
	Mode          string        `json:"mode"`
	Documentation string        `json:"documentation"`
	Resource      []capResource `json:"resource"`
}

type capResource struct {
	Type        string           `json:"type"`
	Interaction []capInteraction `json:"interaction"`
	SearchParam []capSearchParam `json:"searchParam"`
	Operation   []capOperation   `json:"operation,omitempty"`
}

type capInteraction struct {
	Code string `json:"code"`
}

type capSearchParam struct {
	Name          string `json:"name"`
	Type          string `json:"type"`
	Documentation string `json:"documentation,omitempty"`
}

type capOperation struct {
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// fhirVersion is FHIR R4. It names the 4.0.0 release rather than its
// 4.0.1 technical correction (the same resources and wire format): the
// official R4 JSON schema that the tests validate against enumerates
// versions up to 4.0.0.
const fhirVersion = "4.0.0"

// capabilities describes this server: read and search of each type,
// by patient, and Patient/$everything.
func capabilities(base string, now time.Time) capabilityStatement {
	cs := capabilityStatement{ResourceType: "CapabilityStatement", ID: "haven", Meta: metaAt(now), Status: "active",
		Date: instant(now), Kind: "instance", Software: software{Name: "Haven"},
		Implementation: implementation{Description: "Haven patient portal, read-only FHIR API", URL: base},
		FHIRVersion:    fhirVersion, Format: []string{"json"}}
	rest := capRest{Mode: "server", Documentation: "Read-only. Requires a signed-in Haven session; every read is " +
		"authorized by the patient's care-team relationship and audited. Message bodies (Communication.payload) " +
		"are returned only when _elements names payload."}
	var types []string
	for t := range kinds() {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		r := capResource{Type: t, Interaction: []capInteraction{{Code: "read"}, {Code: "search-type"}},
			SearchParam: []capSearchParam{
				{Name: "patient", Type: "reference", Documentation: "Required: the patient whose resources to find."},
				{Name: "_elements", Type: "string", Documentation: "Top-level elements to return."},
			}}
		if kinds()[t].shared {
			r.SearchParam = r.SearchParam[1:]
		}
		if t == "Patient" {
			r.SearchParam = append(r.SearchParam, capSearchParam{Name: "_id", Type: "token"})
			r.Operation = []capOperation{{Name: "everything",
				Definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything"}}
		}
		rest.Resource = append(rest.Resource, r)
	}
	cs.Rest = []capRest{rest}
	return cs
}
