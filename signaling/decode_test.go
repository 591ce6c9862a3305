package signaling

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeFrame(t *testing.T) {
	tests := []struct {
		in      string
		ok      bool
		typ, id string
		data    string
	}{
		{`{"type":"chat.send","id":"c1","data":{"a":1}}`, true, "chat.send", "c1", `{"a":1}`},
		{` {"type":"ping"}`, true, "ping", "", ""},
		{`{"type":"ping","data":null}`, true, "ping", "", ""},
		{`{"type":"a-b_c.d9"}`, true, "a-b_c.d9", "", ""},
		{`{"type":"ping","extra":1}`, true, "ping", "", ""},
		{`{"type":"` + strings.Repeat("a", 64) + `"}`, true, strings.Repeat("a", 64), "", ""},
		{`{"type":"` + strings.Repeat("a", 65) + `"}`, false, "", "", ""},
		{`{"type":"ping","id":"` + strings.Repeat("i", 65) + `"}`, false, "", "", ""},
		{`{"type":"ping","id":"a b"}`, false, "", "", ""},
		{`{"type":"ping","id":"\u00e9"}`, false, "", "", ""},
		{`{"type":"9ping"}`, false, "", "", ""},
		{`{"type":"Ping"}`, false, "", "", ""},
		{`{"type":""}`, false, "", "", ""},
		{`{"type":1}`, false, "", "", ""},
		{`{"type":"ping","error":{"code":"x","message":"y"}}`, false, "", "", ""},
		{`{"type":"ping"`, false, "", "", ""},
		{`[]`, false, "", "", ""},
		{`null`, false, "", "", ""},
		{``, false, "", "", ""},
		{`   `, false, "", "", ""},
	}
	for _, tt := range tests {
		f, err := DecodeFrame([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("DecodeFrame(%q) error = %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && (f.Type != tt.typ || f.ID != tt.id || string(f.Data) != tt.data) {
			t.Errorf("DecodeFrame(%q) = %+v", tt.in, f)
		}
	}
}

func TestDecodeHello(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{"protocol":1}`, true},
		{`{"protocol":1,"chat":{"cursors":{"5":10}}}`, true},
		{`{"protocol":2}`, false},
		{`{}`, false},
		{`[]`, false},
		{``, false},
		{`{"protocol":"1"}`, false},
	}
	for _, tt := range tests {
		if _, err := DecodeHello(json.RawMessage(tt.in)); (err == nil) != tt.ok {
			t.Errorf("DecodeHello(%s) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

func TestEventPayloadRoundTrip(t *testing.T) {
	for _, ev := range []Event{
		{Type: "chat.message", Data: json.RawMessage(`{"conversation":5,"seq":9}`), Durable: true},
		{Type: "typing"},
		{Type: "x", Data: json.RawMessage(`"sealed"`)},
	} {
		got, err := decodeEventPayload(encodeEventPayload(&ev))
		if err != nil || got.Type != ev.Type || got.Durable != ev.Durable || string(got.Data) != string(ev.Data) {
			t.Errorf("round trip of %+v = %+v, %v", ev, got, err)
		}
	}
}

// FuzzDecodeFrame: the envelope decoder never panics, and what it accepts
// re-encodes to a frame it accepts again with the same fields.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{`{"type":"chat.send","id":"c1","data":{"a":1}}`, `{"type":"ping"}`, `{"type":`, `[]`, `{"type":"x","error":{}}`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b)
		if err != nil {
			return
		}
		again, err := DecodeFrame(encodeFrame(fr.Type, fr.ID, fr.Data))
		if err != nil || again.Type != fr.Type || again.ID != fr.ID {
			t.Fatalf("re-decode of %+v: %+v, %v", fr, again, err)
		}
	})
}

// FuzzDecodeHello: the hello decoder never panics and accepts only protocol 1.
func FuzzDecodeHello(f *testing.F) {
	for _, s := range []string{`{"protocol":1}`, `{"protocol":1,"x":[1]}`, `{}`, ` `, `{"protocol":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHello(b)
		if err == nil && h.Protocol != ProtocolVersion {
			t.Fatalf("accepted protocol %d", h.Protocol)
		}
	})
}

// FuzzDecodePresenceSet: the presence.set decoder never panics and yields
// only away or online.
func FuzzDecodePresenceSet(f *testing.F) {
	for _, s := range []string{`{"state":"away"}`, `{"state":"online"}`, `{"state":null}`, `{"state":"offline"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodePresenceSet(b)
		if err == nil && s != Away && s != Online {
			t.Fatalf("accepted state %v", s)
		}
	})
}

// FuzzDecodeEventPayload: broker payloads never panic the decoder, and
// accepted events are valid and re-encode identically.
func FuzzDecodeEventPayload(f *testing.F) {
	f.Add(encodeEventPayload(&Event{Type: "chat.message", Data: json.RawMessage(`{"seq":1}`), Durable: true}))
	f.Add([]byte{0, 1, 'a'})
	f.Add([]byte{3, 200})
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := decodeEventPayload(b)
		if err != nil {
			return
		}
		if ev.validate() != nil || string(encodeEventPayload(&ev)) != string(b) {
			t.Fatalf("accepted %+v from %q", ev, b)
		}
	})
}

// FuzzDecodeWire: Redis messages never panic the decoder.
func FuzzDecodeWire(f *testing.F) {
	f.Add(encodeWire(kindMessage, 42, []byte("payload")))
	f.Add(encodeWire(kindGap, 7, nil))
	f.Add([]byte{1, 'g', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, node, payload, err := decodeWire(b)
		if err != nil {
			return
		}
		if string(encodeWire(kind, node, payload)) != string(b) {
			t.Fatalf("re-encode of %q differs", b)
		}
	})
}

// FuzzDecodePresencePayload: presence payloads never panic the decoder.
func FuzzDecodePresencePayload(f *testing.F) {
	f.Add(encodePresencePayload(Presence{State: Away, Version: 99}))
	f.Add([]byte{9, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodePresencePayload(b)
		if err == nil && string(encodePresencePayload(p)) != string(b) {
			t.Fatalf("re-encode of %q differs", b)
		}
	})
}
