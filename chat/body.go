package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a message may carry.
const (
	MaxBodyChars             = 4000 // characters (Unicode code points) of a body
	MaxClientIDLen           = 64
	MaxAttachmentsPerMessage = 10
)

// CheckBody validates a message body: valid UTF-8, at most MaxBodyChars
// characters, no control characters other than tab and line breaks, and
// not empty after trimming white space (unless the message carries
// attachments). It returns ErrBodyEncoding, ErrBodyTooLong or ErrBodyEmpty.
func CheckBody(body string, hasAttachments bool) error {
	if !utf8.ValidString(body) {
		return ErrBodyEncoding
	}
	if utf8.RuneCountInString(body) > MaxBodyChars {
		return ErrBodyTooLong
	}
	for _, r := range body {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return ErrBodyEncoding
		}
	}
	if !hasAttachments && strings.TrimSpace(body) == "" {
		return ErrBodyEmpty
	}
	return nil
}

// CheckClientID validates a client-chosen idempotency key: 1 to 64
// characters of A-Z a-z 0-9 . _ : - (so it can name nothing sensitive and
// needs no escaping). It returns ErrClientID.
func CheckClientID(id string) error {
	if len(id) == 0 || len(id) > MaxClientIDLen {
		return ErrClientID
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return ErrClientID
		}
	}
	return nil
}
