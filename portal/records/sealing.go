package records

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// owner is the seal key scope of a patient's health information.
func owner(patientID int64) string { return "patient:" + itoa(patientID) }

// ad binds a ciphertext to its table, row and column.
func ad(table, row, column string) []byte { return []byte(table + ":" + row + ":" + column) }

// sealText seals plain for patientID under ad.
func (s *Service) sealText(ctx context.Context, patientID int64, assoc []byte, plain string) ([]byte, error) {
	out, err := s.seal.Seal(ctx, owner(patientID), []byte(plain), assoc)
	if err != nil {
		return nil, fmt.Errorf("records: seal %s: %w", assoc, err)
	}
	return out, nil
}

// openText unseals a value sealed by sealText.
func (s *Service) openText(ctx context.Context, patientID int64, assoc, sealed []byte) (string, error) {
	plain, err := s.seal.Unseal(ctx, owner(patientID), sealed, assoc)
	if err != nil {
		return "", fmt.Errorf("records: unseal %s: %w", assoc, err)
	}
	return string(plain), nil
}

// sealJSON seals v's JSON encoding for patientID.
func (s *Service) sealJSON(ctx context.Context, patientID int64, assoc []byte, v any) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("records: encode: %w", err)
	}
	return s.sealText(ctx, patientID, assoc, string(plain))
}

// openJSON unseals a value sealed by sealJSON into v.
func (s *Service) openJSON(ctx context.Context, patientID int64, assoc, sealed []byte, v any) error {
	plain, err := s.openText(ctx, patientID, assoc, sealed)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(plain), v); err != nil {
		return fmt.Errorf("records: decode %s: %w", assoc, err)
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// cleanText trims s and checks it: valid UTF-8, no control characters but
// newlines and tabs when multiline, at most max characters. It returns
// ErrText, ErrTooLong, or empty when the text is empty (the caller decides
// whether empty is allowed).
func cleanText(s string, max int, multiline bool) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r'))
	}) {
		return "", ErrText
	}
	if utf8.RuneCountInString(s) > max {
		return "", ErrTooLong
	}
	return s, nil
}
