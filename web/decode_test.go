package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"haven/portal/fault"
)

type decodeTarget struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	On    bool     `json:"on"`
	Tags  []string `json:"tags"`
}

func TestDecodeObject(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		msg  string // "" means success
	}{
		{`{"name":"a","count":2,"on":true,"tags":["x"]}`, ""},
		{` {} `, ""},
		{``, "The request body is empty: send a JSON object."},
		{`   `, "The request body is empty: send a JSON object."},
		{`{`, "Malformed JSON: the body ends too soon."},
		{`{"name":}`, "Malformed JSON at byte 9."},
		{`{"name":"a",}`, "Malformed JSON at byte 13."},
		{`{"name":"a"} x`, "The request body must contain a single JSON object."},
		{`{"name":"a"}{}`, "The request body must contain a single JSON object."},
		{`[1]`, "The request body must be a JSON object."},
		{`"text"`, "The request body must be a JSON object."},
		{`null`, "The request body must be a JSON object."},
		{`{"nope":1}`, `unknown field "nope"`},
		{`{"Name":"a"}`, `unknown field "Name"`},
		{`{"name":1}`, `Field "name" must be a string.`},
		{`{"count":"2"}`, `Field "count" must be a whole number in range.`},
		{`{"count":1.5}`, `Field "count" must be a whole number in range.`},
		{`{"count":1e40}`, `Field "count" must be a whole number in range.`},
		{`{"on":"yes"}`, `Field "on" must be true or false.`},
		{`{"tags":"x"}`, `Field "tags" must be an array.`},
		{`{"tags":[1]}`, `Field "tags" must be a string.`},
		{`{"name":"a\u0000b"}`, `Field "name" contains a character that is not allowed.`},
		{`{"tags":["ok","\u0000"]}`, `Field "tags" contains a character that is not allowed.`},
	} {
		var dst decodeTarget
		err := decodeObject([]byte(tc.body), &dst)
		switch {
		case tc.msg == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.body, err)
		case tc.msg != "" && err == nil:
			t.Errorf("%q: no error, want %q", tc.body, tc.msg)
		case tc.msg != "" && (fault.MessageOf(err) != tc.msg || fault.CodeOf(err) != fault.Invalid):
			t.Errorf("%q: %s %q, want invalid %q", tc.body, fault.CodeOf(err), fault.MessageOf(err), tc.msg)
		}
	}
}

func TestDecodeJSONChecksContentTypeAndSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ctype, body string
		limit             int64
		status            int // 0: success
	}{
		{"json", "application/json", `{}`, 100, 0},
		{"json utf-8", "application/json; charset=UTF-8", `{}`, 100, 0},
		{"latin1", "application/json; charset=latin1", `{}`, 100, 415},
		{"text", "text/plain", `{}`, 100, 415},
		{"form", "application/x-www-form-urlencoded", `name=a`, 100, 415},
		{"none", "", `{}`, 100, 415},
		{"at limit", "application/json", `{"name":"` + strings.Repeat("a", 90) + `"}`, 101, 0},
		{"over limit", "application/json", `{"name":"` + strings.Repeat("a", 91) + `"}`, 101, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			var dst decodeTarget
			err := decodeJSON(httptest.NewRecorder(), r, tc.limit, &dst)
			if tc.status == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := statusOf(err); got != tc.status {
				t.Fatalf("status %d (%v), want %d", got, err, tc.status)
			}
		})
	}
}

func TestDecodeJSONStopsReadingAtTheLimit(t *testing.T) {
	t.Parallel()
	body := &countingReader{r: strings.NewReader(`{"name":"` + strings.Repeat("a", 10<<20) + `"}`)}
	r := httptest.NewRequest("POST", "/", nil)
	r.Body = body
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/json")
	err := decodeJSON(httptest.NewRecorder(), r, 1<<10, &decodeTarget{})
	if statusOf(err) != http.StatusRequestEntityTooLarge {
		t.Fatalf("err %v, want 413", err)
	}
	if body.n > 64<<10 {
		t.Fatalf("read %d bytes of an oversized body", body.n)
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
func (c *countingReader) Close() error { return nil }

func TestByteSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{1 << 20: "1 MiB", 3 << 20: "3 MiB", 64 << 10: "64 KiB", 1000: "1000 bytes"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// FuzzDecodeObject: any input either decodes or gives an Invalid fault
// with a message; it never panics and never yields an unclassified error.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"a","count":1,"on":true,"tags":["b"]}`, `{"x":1}`, `[`, `null`, `{"name":"\u0000"}`, `{"count":1e99}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst decodeTarget
		err := decodeObject(body, &dst)
		if err == nil {
			if strings.ContainsRune(dst.Name, 0) {
				t.Fatal("NUL accepted")
			}
			return
		}
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Message == "" {
			t.Fatalf("decodeObject(%q) = %v: want an Invalid fault", body, err)
		}
	})
}
