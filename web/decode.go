package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"haven/portal/fault"
)

// decodeJSON reads the request body into dst, a pointer to a struct whose
// fields carry json tags. The body must be application/json, at most limit
// bytes, and exactly one JSON object naming only dst's fields (exact case).
// Errors are *fault.Error values (or a 415 statusError) whose messages say
// what is wrong without echoing the input.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, dst any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(limit)
		}
		return fault.Wrap(fault.New(fault.Invalid, "The request body could not be read."), err)
	}
	return decodeObject(body, dst)
}

// requireJSON refuses a Content-Type other than application/json (an
// optional charset must be utf-8) with 415.
func requireJSON(r *http.Request) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mt == "application/json" {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return &statusError{status: http.StatusUnsupportedMediaType,
		err: fault.New(fault.Invalid, "Send the request body as application/json.")}
}

func tooLarge(limit int64) error {
	return fault.New(fault.TooLarge, fmt.Sprintf("The request body is larger than the limit of %s.", byteSize(limit)))
}

// byteSize formats n bytes for a message: "1 MiB", "64 KiB", "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// decodeObject decodes body, which must hold exactly one JSON object, into
// dst. Keys must match dst's json tags exactly (encoding/json would accept
// any case); unknown keys, wrong types and trailing data are refused.
func decodeObject(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fault.New(fault.Invalid, "The request body is empty: send a JSON object.")
	}
	var keys map[string]json.RawMessage
	if err := strictDecode(body, &keys); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return fault.New(fault.Invalid, "The request body must be a JSON object.")
		}
		return decodeError(err)
	}
	if keys == nil {
		return fault.New(fault.Invalid, "The request body must be a JSON object.")
	}
	known := jsonFields(reflect.TypeOf(dst))
	for k := range keys {
		if _, ok := known[k]; !ok {
			return fault.Invalidf("unknown field %q", truncate(k, 40))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	return refuseNUL(reflect.ValueOf(dst))
}

// refuseNUL refuses a NUL character in any string field of the struct v
// points to (PostgreSQL text cannot hold one, and no field needs it).
func refuseNUL(v reflect.Value) error {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if hasNUL(v.Field(i)) {
			return fault.Invalidf("Field %q contains a character that is not allowed.", name)
		}
	}
	return nil
}

func hasNUL(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.ContainsRune(v.String(), 0)
	case reflect.Pointer:
		return !v.IsNil() && hasNUL(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if hasNUL(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

// strictDecode decodes exactly one JSON value from body into v.
func strictDecode(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailing
	}
	return nil
}

var errTrailing = errors.New("trailing data")

// decodeError turns an encoding/json error into a clear Invalid fault.
func decodeError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fault.Wrap(fault.Invalidf("Malformed JSON at byte %d.", se.Offset), err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fault.Wrap(fault.New(fault.Invalid, "Malformed JSON: the body ends too soon."), err)
	case errors.Is(err, errTrailing):
		return fault.New(fault.Invalid, "The request body must contain a single JSON object.")
	case errors.As(err, &te) && te.Field != "":
		return fault.Invalidf("Field %q must be %s.", te.Field, jsonKind(te.Type))
	case errors.As(err, &te):
		return fault.New(fault.Invalid, "The request body must be a JSON object.")
	}
	return fault.Wrap(fault.New(fault.Invalid, "The request body is not valid JSON."), err)
}

// jsonKind names the JSON shape expected for a Go type, for messages.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "an object"
}

// jsonFields returns the JSON names of the fields of the struct t points to.
func jsonFields(t reflect.Type) map[string]struct{} {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]struct{}{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = struct{}{}
	}
	return out
}

// truncate shortens s to at most n runes for use in a message.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// decodeEmpty accepts a request without a body, or with an empty JSON
// object; anything else is refused as decodeJSON would refuse it.
func decodeEmpty(w http.ResponseWriter, r *http.Request, limit int64) error {
	if r.ContentLength == 0 && len(r.TransferEncoding) == 0 {
		return nil
	}
	var none struct{}
	return decodeJSON(w, r, limit, &none)
}
