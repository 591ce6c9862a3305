package chat

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckBody(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		attach bool
		want   error
	}{
		{"plain", "hello", false, nil},
		{"multi-line", "line one\nline two\r\n\tindented", false, nil},
		{"emoji at the limit", strings.Repeat("🙂", MaxBodyChars), false, nil},
		{"over the limit", strings.Repeat("a", MaxBodyChars+1), false, ErrBodyTooLong},
		{"empty", "", false, ErrBodyEmpty},
		{"blank", " \n\t\u00a0", false, ErrBodyEmpty},
		{"empty with attachment", "", true, nil},
		{"invalid UTF-8", "a\xffb", false, ErrBodyEncoding},
		{"NUL", "a\x00b", false, ErrBodyEncoding},
		{"escape", "\x1b[31mred", false, ErrBodyEncoding},
		{"C1 control", "a\u0085b", false, ErrBodyEncoding},
	}
	for _, tc := range cases {
		if err := CheckBody(tc.body, tc.attach); !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
			t.Errorf("%s: CheckBody = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestCheckClientID(t *testing.T) {
	for _, ok := range []string{"a", "c-1", "0f8a:2.x_Y", strings.Repeat("z", 64)} {
		if err := CheckClientID(ok); err != nil {
			t.Errorf("CheckClientID(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", strings.Repeat("z", 65), "a b", "é", `a"b`, "a/b", "a\n"} {
		if err := CheckClientID(bad); !errors.Is(err, ErrClientID) {
			t.Errorf("CheckClientID(%q) = %v, want ErrClientID", bad, err)
		}
	}
}

func TestDecodeSend(t *testing.T) {
	cases := []struct {
		name string
		data string
		want error // nil: valid
	}{
		{"valid", `{"conversation":4,"client_id":"c1","body":"hi"}`, nil},
		{"attachments only", `{"conversation":4,"client_id":"c1","attachments":[3]}`, nil},
		{"unknown member ignored", `{"conversation":4,"client_id":"c1","body":"hi","x":1}`, nil},
		{"not an object", `[1]`, ErrBadFrame},
		{"absent", ``, ErrBadFrame},
		{"string id", `{"conversation":"4","client_id":"c1","body":"hi"}`, ErrBadFrame},
		{"fractional id", `{"conversation":4.5,"client_id":"c1","body":"hi"}`, ErrBadFrame},
		{"zero id", `{"conversation":0,"client_id":"c1","body":"hi"}`, ErrConversation},
		{"negative id", `{"conversation":-4,"client_id":"c1","body":"hi"}`, ErrConversation},
		{"no client id", `{"conversation":4,"body":"hi"}`, ErrClientID},
		{"empty body", `{"conversation":4,"client_id":"c1","body":" "}`, ErrBodyEmpty},
		{"too many attachments", `{"conversation":4,"client_id":"c1","attachments":[1,2,3,4,5,6,7,8,9,10,11]}`, ErrAttachments},
		{"bad attachment", `{"conversation":4,"client_id":"c1","attachments":[0]}`, ErrAttachments},
		{"null body", `{"conversation":4,"client_id":"c1","body":null}`, ErrBodyEmpty},
	}
	for _, tc := range cases {
		_, err := DecodeSend(json.RawMessage(tc.data))
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: DecodeSend = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestDecodeResume(t *testing.T) {
	cases := []struct {
		name string
		data string
		want map[int64]int64 // nil: an error
	}{
		{"no chat member", `{"protocol":1}`, map[int64]int64{}},
		{"empty resume", `{"protocol":1,"chat":{}}`, map[int64]int64{}},
		{"positions", `{"protocol":1,"chat":{"resume":{"12":40,"13":0}}}`, map[int64]int64{12: 40, 13: 0}},
		{"other members ignored", `{"protocol":1,"media":{"x":1},"chat":{"resume":{"1":2},"y":3}}`, map[int64]int64{1: 2}},
		{"non-numeric key", `{"chat":{"resume":{"a":1}}}`, nil},
		{"leading zero key", `{"chat":{"resume":{"012":1}}}`, nil},
		{"zero key", `{"chat":{"resume":{"0":1}}}`, nil},
		{"negative seq", `{"chat":{"resume":{"1":-1}}}`, nil},
		{"string seq", `{"chat":{"resume":{"1":"2"}}}`, nil},
		{"resume not an object", `{"chat":{"resume":[1]}}`, nil},
		{"hello not an object", `"x"`, nil},
	}
	for _, tc := range cases {
		got, err := DecodeResume(json.RawMessage(tc.data))
		switch {
		case tc.want == nil && err == nil:
			t.Errorf("%s: DecodeResume accepted %v", tc.name, got)
		case tc.want != nil && err != nil:
			t.Errorf("%s: DecodeResume = %v", tc.name, err)
		case tc.want != nil && len(got) != len(tc.want):
			t.Errorf("%s: DecodeResume = %v, want %v", tc.name, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: [%d] = %d, want %d", tc.name, k, got[k], v)
			}
		}
	}
}

func TestDecodeOthers(t *testing.T) {
	valid := []struct {
		name string
		fn   func(json.RawMessage) error
		data string
	}{
		{"read", func(d json.RawMessage) error { _, err := DecodeRead(d); return err }, `{"conversation":1,"seq":3}`},
		{"typing", func(d json.RawMessage) error { _, err := DecodeConversation(d); return err }, `{"conversation":1}`},
		{"history", func(d json.RawMessage) error { _, err := DecodeHistory(d); return err }, `{"conversation":1,"before_seq":9,"limit":20}`},
		{"history defaults", func(d json.RawMessage) error { _, err := DecodeHistory(d); return err }, `{"conversation":1}`},
		{"open", func(d json.RawMessage) error { _, err := DecodeOpen(d); return err }, `{"kind":"direct","patient":1,"clinician":2}`},
		{"assign", func(d json.RawMessage) error { _, err := DecodeAssign(d); return err }, `{"conversation":1,"user":0}`},
	}
	for _, tc := range valid {
		if err := tc.fn(json.RawMessage(tc.data)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	invalid := []struct {
		name string
		fn   func(json.RawMessage) error
		data string
	}{
		{"read seq 0", func(d json.RawMessage) error { _, err := DecodeRead(d); return err }, `{"conversation":1,"seq":0}`},
		{"read no conversation", func(d json.RawMessage) error { _, err := DecodeRead(d); return err }, `{"seq":3}`},
		{"typing array", func(d json.RawMessage) error { _, err := DecodeConversation(d); return err }, `[1]`},
		{"history limit", func(d json.RawMessage) error { _, err := DecodeHistory(d); return err }, `{"conversation":1,"limit":201}`},
		{"history before", func(d json.RawMessage) error { _, err := DecodeHistory(d); return err }, `{"conversation":1,"before_seq":-1}`},
		{"open kind", func(d json.RawMessage) error { _, err := DecodeOpen(d); return err }, `{"kind":"crisis","patient":1}`},
		{"assign negative", func(d json.RawMessage) error { _, err := DecodeAssign(d); return err }, `{"conversation":1,"user":-1}`},
	}
	for _, tc := range invalid {
		if err := tc.fn(json.RawMessage(tc.data)); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// Fuzz targets: every decoder of client input must never panic, and what
// it accepts must satisfy the limits the rest of the package relies on.

func FuzzDecodeSend(f *testing.F) {
	f.Add([]byte(`{"conversation":4,"client_id":"c1","body":"hi","attachments":[1]}`))
	f.Add([]byte(`{"conversation":4,"client_id":"c1","body":"\u0000"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeSend(b)
		if err != nil {
			return
		}
		if req.Conversation <= 0 || CheckClientID(req.ClientID) != nil || !utf8.ValidString(req.Body) ||
			utf8.RuneCountInString(req.Body) > MaxBodyChars || len(req.Attachments) > MaxAttachmentsPerMessage {
			t.Fatalf("accepted %+v", req)
		}
		if strings.TrimSpace(req.Body) == "" && len(req.Attachments) == 0 {
			t.Fatal("accepted an empty message")
		}
	})
}

func FuzzDecodeResume(f *testing.F) {
	f.Add([]byte(`{"protocol":1,"chat":{"resume":{"12":40}}}`))
	f.Add([]byte(`{"chat":null}`))
	f.Add([]byte(`{"chat":{"resume":{"9223372036854775807":1}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeResume(b)
		if err != nil {
			return
		}
		if len(m) > MaxResumeEntries {
			t.Fatalf("accepted %d entries", len(m))
		}
		for k, v := range m {
			if k <= 0 || v < 0 {
				t.Fatalf("accepted %d: %d", k, v)
			}
		}
	})
}

func FuzzDecodeRead(f *testing.F) {
	f.Add([]byte(`{"conversation":1,"seq":3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRead(b)
		if err == nil && (r.Conversation <= 0 || r.Seq <= 0) {
			t.Fatalf("accepted %+v", r)
		}
	})
}

func FuzzDecodeConversation(f *testing.F) {
	f.Add([]byte(`{"conversation":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeConversation(b)
		if err == nil && r.Conversation <= 0 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

func FuzzDecodeHistory(f *testing.F) {
	f.Add([]byte(`{"conversation":1,"before_seq":9,"limit":20}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHistory(b)
		if err == nil && (h.Conversation <= 0 || h.BeforeSeq < 0 || h.Limit < 0 || h.Limit > MaxHistoryLimit) {
			t.Fatalf("accepted %+v", h)
		}
	})
}

func FuzzDecodeOpen(f *testing.F) {
	f.Add([]byte(`{"kind":"direct","patient":1,"clinician":2}`))
	f.Add([]byte(`{"kind":"team"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := DecodeOpen(b)
		if err == nil && (o.Kind != KindDirect && o.Kind != KindTeam || o.Patient < 0 || o.Clinician < 0) {
			t.Fatalf("accepted %+v", o)
		}
	})
}

func FuzzDecodeAssign(f *testing.F) {
	f.Add([]byte(`{"conversation":1,"user":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAssign(b)
		if err == nil && (a.Conversation <= 0 || a.User < 0) {
			t.Fatalf("accepted %+v", a)
		}
	})
}
