package media

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"haven/portal/fault"
)

func TestDecodeFrames(t *testing.T) {
	big := `{"sdp":"v=0` + strings.Repeat("x", maxSDPBytes) + `"}`
	for _, tc := range []struct {
		name   string
		decode func([]byte) error
		data   string
		code   fault.Code // Internal means success
	}{
		{"join", decodeErr(DecodeJoin), `{"room":"visit-1"}`, fault.Internal},
		{"join bad room", decodeErr(DecodeJoin), `{"room":"a b"}`, fault.Invalid},
		{"join empty", decodeErr(DecodeJoin), `{}`, fault.Invalid},
		{"join not json", decodeErr(DecodeJoin), `{"room":`, fault.Invalid},
		{"join trailing data", decodeErr(DecodeJoin), `{"room":"a"} {}`, fault.Invalid},
		{"offer", decodeErr(DecodeSDP), `{"sdp":"v=0\r\n","tracks":{"0":"mic","1":"camera"}}`, fault.Internal},
		{"offer not sdp", decodeErr(DecodeSDP), `{"sdp":"hello"}`, fault.Invalid},
		{"offer bad source", decodeErr(DecodeSDP), `{"sdp":"v=0","tracks":{"0":"speaker"}}`, fault.Invalid},
		{"offer too large", decodeErr(DecodeSDP), big, fault.TooLarge},
		{"candidate", decodeErr(DecodeCandidate), `{"pc":"up","candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMid":"0"}`, fault.Internal},
		{"end of candidates", decodeErr(DecodeCandidate), `{"pc":"down","candidate":""}`, fault.Internal},
		{"candidate bad pc", decodeErr(DecodeCandidate), `{"pc":"sideways","candidate":""}`, fault.Invalid},
		{"candidate not a candidate", decodeErr(DecodeCandidate), `{"pc":"up","candidate":"a=foo"}`, fault.Invalid},
		{"layer", decodeErr(DecodeLayer), `{"participant":"alice","source":"camera","max":"low"}`, fault.Internal},
		{"layer bad max", decodeErr(DecodeLayer), `{"participant":"alice","source":"camera","max":"ultra"}`, fault.Invalid},
		{"layer bad source", decodeErr(DecodeLayer), `{"participant":"alice","source":"mic","max":"low"}`, fault.Invalid},
		{"target", decodeErr(DecodeTarget), `{"participant":"u:42"}`, fault.Internal},
		{"target too long", decodeErr(DecodeTarget), `{"participant":"` + strings.Repeat("a", 65) + `"}`, fault.Invalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.decode([]byte(tc.data))
			if tc.code == fault.Internal {
				if err != nil {
					t.Errorf("decode: %v", err)
				}
				return
			}
			if err == nil || fault.CodeOf(err) != tc.code {
				t.Errorf("decode: %v (code %v), want code %v", err, fault.CodeOf(err), tc.code)
			}
		})
	}
	if _, err := DecodeJoin([]byte(`{"room":`)); !errors.Is(err, ErrBadFrame) {
		t.Errorf("malformed JSON: %v, want ErrBadFrame", err)
	}
}

// decodeErr adapts a typed decoder for the table.
func decodeErr[T any](d func([]byte) (T, error)) func([]byte) error {
	return func(b []byte) error { _, err := d(b); return err }
}

// fuzzDecoder checks that a decoder never panics and that what it accepts
// re-encodes and decodes to an accepted value again.
func fuzzDecoder[T any](f *testing.F, decode func([]byte) (T, error), seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decode(data)
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid && fault.CodeOf(err) != fault.TooLarge {
				t.Fatalf("error %v has code %v, want invalid or too_large", err, fault.CodeOf(err))
			}
			return
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decode(again); err != nil {
			t.Fatalf("accepted %q but not its re-encoding %q: %v", data, again, err)
		}
	})
}

func FuzzDecodeJoin(f *testing.F) { fuzzDecoder(f, DecodeJoin, `{"room":"visit-1"}`, `{"room":""}`) }
func FuzzDecodeSDP(f *testing.F) {
	fuzzDecoder(f, DecodeSDP, `{"sdp":"v=0\r\n","tracks":{"0":"mic"}}`, `{"sdp":"v=1"}`)
}
func FuzzDecodeCandidate(f *testing.F) {
	fuzzDecoder(f, DecodeCandidate, `{"pc":"up","candidate":"candidate:1 1 udp 1 1.2.3.4 9 typ host","sdpMLineIndex":0}`)
}
func FuzzDecodeLayer(f *testing.F) {
	fuzzDecoder(f, DecodeLayer, `{"participant":"a","source":"screen","max":"off"}`)
}
func FuzzDecodeTarget(f *testing.F) { fuzzDecoder(f, DecodeTarget, `{"participant":"a"}`) }
