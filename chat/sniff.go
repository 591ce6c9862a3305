package chat

import "bytes"

// MaxAttachmentSize is the largest attachment accepted, in bytes.
const MaxAttachmentSize = 10 << 20

// sniffType returns the content type of an attachment from its first bytes
// (never from what the client claims), or "" when it is not one of the
// accepted kinds: PNG, JPEG, WebP, GIF images and PDF documents.
func sniffType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return "image/webp"
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	}
	return ""
}
