// Command schemacheck validates FHIR JSON documents against the FHIR R4
// JSON schema (fhir.schema.json, JSON Schema draft-06), for the fhir
// package's tests. It runs as its own process so that the schema compiler
// is not slowed by the race detector when the tests run with -race.
//
//	schemacheck SCHEMA < documents
//
// Each input line is {"name": "...", "valid": true|false, "doc": {...}}. For
// each document whose validity is not the expected one it prints
// "name<TAB>reason" on one line (the reason names the innermost resource
// that fails its definition). It exits 1 when it printed anything, 2 when
// the schema or the input cannot be read.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const schemaID = "http://hl7.org/fhir/json-schema/4.0"

type input struct {
	Name  string          `json:"name"`
	Valid bool            `json:"valid"`
	Doc   json.RawMessage `json:"doc"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: schemacheck SCHEMA < documents")
		os.Exit(2)
	}
	v, err := load(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemacheck:", err)
		os.Exit(2)
	}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 64<<20), 64<<20)
	bad := false
	for sc.Scan() {
		var in input
		if err := json.Unmarshal(sc.Bytes(), &in); err != nil {
			fmt.Fprintln(os.Stderr, "schemacheck: input:", err)
			os.Exit(2)
		}
		if reason, ok := v.check(in); !ok {
			fmt.Printf("%s\t%s\n", in.Name, strings.ReplaceAll(reason, "\n", " "))
			bad = true
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "schemacheck: input:", err)
		os.Exit(2)
	}
	if bad {
		os.Exit(1)
	}
}

type validator struct {
	c     *jsonschema.Compiler
	whole *jsonschema.Schema
	defs  map[string]*jsonschema.Schema
}

// load compiles the schema at path, after checking it is FHIR R4's.
func load(path string) (*validator, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	root, _ := doc.(map[string]any)
	if root["id"] != schemaID || root["$schema"] != "http://json-schema.org/draft-06/schema#" {
		return nil, fmt.Errorf("%s is not the FHIR R4 schema: id %v, $schema %v", path, root["id"], root["$schema"])
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("fhir.schema.json", doc); err != nil {
		return nil, err
	}
	// "not not" is the schema itself, checked for validity alone: the
	// validator then stops at the first error in each oneOf alternative
	// instead of collecting all of them (FHIR's ResourceList is a oneOf of
	// 145 resources). culprit explains a failure with the full errors.
	if err := c.AddResource("valid.json", map[string]any{"$schema": "http://json-schema.org/draft-06/schema#",
		"not": map[string]any{"not": map[string]any{"$ref": "fhir.schema.json"}}}); err != nil {
		return nil, err
	}
	whole, err := c.Compile("valid.json")
	if err != nil {
		return nil, err
	}
	return &validator{c: c, whole: whole, defs: map[string]*jsonschema.Schema{}}, nil
}

// check reports whether the document's validity is the expected one, and
// why not.
func (v *validator) check(in input) (string, bool) {
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(in.Doc)))
	if err != nil {
		return "not JSON: " + err.Error(), false
	}
	err = v.whole.Validate(inst)
	switch {
	case err == nil && in.Valid, err != nil && !in.Valid:
		return "", true
	case err == nil:
		return "the schema accepts it", false
	}
	return v.culprit(inst), false
}

// culprit finds the innermost resource that fails its definition.
func (v *validator) culprit(inst any) string {
	var res []map[string]any
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			if _, ok := x["resourceType"].(string); ok {
				res = append(res, x)
			}
			for _, val := range x {
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	walk(inst)
	for i := len(res) - 1; i >= 0; i-- {
		rt := res[i]["resourceType"].(string)
		def, ok := v.defs[rt]
		if !ok {
			var err error
			if def, err = v.c.Compile("fhir.schema.json#/definitions/" + rt); err != nil {
				return fmt.Sprintf("unknown resourceType %q", rt)
			}
			v.defs[rt] = def
		}
		if err := def.Validate(res[i]); err != nil {
			b, _ := json.Marshal(res[i])
			return tail(err.Error(), 3000) + " in " + tail(string(b), 1500)
		}
	}
	return "the whole document fails, no single resource does"
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
