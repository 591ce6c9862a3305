package media

import "strings"

// keyframeFunc reports whether an RTP payload starts a keyframe: the packet
// at which a subscriber may start or switch decoding.
type keyframeFunc func(payload []byte) bool

// keyframeFuncFor returns the detector for a codec MIME type; codecs without
// one (audio) never need a keyframe.
func keyframeFuncFor(mime string) keyframeFunc {
	switch strings.ToLower(mime) {
	case "video/vp8":
		return vp8Keyframe
	case "video/h264":
		return h264Keyframe
	}
	return nil
}

// vp8Keyframe parses the VP8 payload descriptor (RFC 7741 §4.2) and reports
// whether the packet is the first of a key frame: S=1, partition 0, and the
// inverse key frame bit P of the VP8 payload header clear.
func vp8Keyframe(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	x, s, pid := p[0]&0x80 != 0, p[0]&0x10 != 0, p[0]&0x07
	if !s || pid != 0 {
		return false
	}
	i := 1
	if x {
		if len(p) < 2 {
			return false
		}
		ext := p[1]
		i = 2
		if ext&0x80 != 0 { // I: picture id, 7 or 15 bits
			if len(p) <= i {
				return false
			}
			if p[i]&0x80 != 0 {
				i++
			}
			i++
		}
		if ext&0x40 != 0 { // L: TL0PICIDX
			i++
		}
		if ext&0x30 != 0 { // T or K: TID/Y/KEYIDX
			i++
		}
	}
	return len(p) > i && p[i]&0x01 == 0
}

// h264Keyframe reports whether an H.264 payload (RFC 6184) begins an access
// unit a decoder can start from: an SPS or IDR NAL unit, alone, inside a
// STAP-A, or as the first fragment of an FU-A.
func h264Keyframe(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	switch typ := p[0] & 0x1f; {
	case typ == 5 || typ == 7:
		return true
	case typ == 24: // STAP-A: [size16 nal]...
		for i := 1; i+2 < len(p); {
			n := int(p[i])<<8 | int(p[i+1])
			if t := p[i+2] & 0x1f; t == 5 || t == 7 {
				return true
			}
			i += 2 + n
		}
	case typ == 28: // FU-A
		return len(p) > 1 && p[1]&0x80 != 0 && (p[1]&0x1f == 5 || p[1]&0x1f == 7)
	}
	return false
}
