package measures

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// owner is the seal key scope of a patient's health information.
func owner(patientID int64) string { return "patient:" + strconv.FormatInt(patientID, 10) }

// ad binds a ciphertext to its table, row and column.
func ad(table, row, column string) []byte { return []byte(table + ":" + row + ":" + column) }

// sealJSON seals v's JSON encoding for patientID.
func (s *Service) sealJSON(ctx context.Context, patientID int64, assoc []byte, v any) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("measures: encode: %w", err)
	}
	out, err := s.seal.Seal(ctx, owner(patientID), plain, assoc)
	if err != nil {
		return nil, fmt.Errorf("measures: seal %s: %w", assoc, err)
	}
	return out, nil
}

// openJSON unseals a value sealed by sealJSON into v.
func (s *Service) openJSON(ctx context.Context, patientID int64, assoc, sealed []byte, v any) error {
	plain, err := s.seal.Unseal(ctx, owner(patientID), sealed, assoc)
	if err != nil {
		return fmt.Errorf("measures: unseal %s: %w", assoc, err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("measures: decode %s: %w", assoc, err)
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
