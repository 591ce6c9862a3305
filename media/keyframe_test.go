package media

import "testing"

func TestVP8Keyframe(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    []byte
		want bool
	}{
		{"keyframe, no extension", []byte{0x10, 0x00, 0x9d}, true},
		{"interframe", []byte{0x10, 0x01}, false},
		{"not a partition start", []byte{0x00, 0x00}, false},
		{"partition 1", []byte{0x11, 0x00}, false},
		{"7-bit picture id", []byte{0x90, 0x80, 0x05, 0x00}, true},
		{"15-bit picture id", []byte{0x90, 0x80, 0x85, 0x05, 0x00}, true},
		{"15-bit picture id, interframe", []byte{0x90, 0x80, 0x85, 0x05, 0x01}, false},
		{"picture id, tl0picidx, tid", []byte{0x90, 0xe0, 0x85, 0x05, 0x07, 0x40, 0x00}, true},
		{"truncated after X", []byte{0x90}, false},
		{"truncated picture id", []byte{0x90, 0x80}, false},
		{"no payload header", []byte{0x90, 0x80, 0x05}, false},
		{"empty", nil, false},
	} {
		if got := vp8Keyframe(tc.p); got != tc.want {
			t.Errorf("%s: vp8Keyframe(% x) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestH264Keyframe(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    []byte
		want bool
	}{
		{"SPS", []byte{0x67, 0x42}, true},
		{"IDR", []byte{0x65, 0x88}, true},
		{"non-IDR slice", []byte{0x41, 0x9a}, false},
		{"STAP-A with SPS", []byte{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce}, true},
		{"STAP-A without", []byte{0x78, 0x00, 0x02, 0x41, 0x9a}, false},
		{"STAP-A zero sizes", []byte{0x78, 0x00, 0x00, 0x00, 0x00}, false},
		{"FU-A IDR start", []byte{0x7c, 0x85, 0x88}, true},
		{"FU-A IDR middle", []byte{0x7c, 0x05, 0x88}, false},
		{"FU-A non-IDR start", []byte{0x7c, 0x81}, false},
		{"empty", nil, false},
	} {
		if got := h264Keyframe(tc.p); got != tc.want {
			t.Errorf("%s: h264Keyframe(% x) = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
	if keyframeFuncFor("audio/opus") != nil || keyframeFuncFor("VIDEO/VP8") == nil {
		t.Error("keyframeFuncFor: want none for audio, VP8 case-insensitive")
	}
}

// FuzzKeyframe checks the RTP payload parsers never panic on untrusted
// payloads.
func FuzzKeyframe(f *testing.F) {
	for _, s := range [][]byte{{0x90, 0xe0, 0x85, 0x05, 0x07, 0x40, 0x00}, {0x78, 0x00, 0x02, 0x67, 0x42}, {0x7c, 0x85}, {}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		vp8Keyframe(p)
		h264Keyframe(p)
	})
}
