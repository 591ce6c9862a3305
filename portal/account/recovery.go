package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/jackc/pgx/v5"
)

// recoveryCodeCount codes are issued at enrollment; each has 80 random bits
// written as four groups of four base32 characters (xxxx-xxxx-xxxx-xxxx).
const recoveryCodeCount = 10

var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

const (
	sqlDeleteRecovery = `DELETE FROM recovery_codes WHERE user_id = $1`
	sqlInsertRecovery = `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`
	sqlUseRecovery    = `UPDATE recovery_codes SET used_at = $3
		WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`
)

// newRecoveryCodes returns fresh codes for display and their hashes.
func newRecoveryCodes() (codes []string, hashes [][]byte, err error) {
	for range recoveryCodeCount {
		raw := make([]byte, 10)
		if _, err := rand.Read(raw); err != nil {
			return nil, nil, err
		}
		c := recoveryEncoding.EncodeToString(raw)
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, recoveryHash(c))
	}
	return codes, hashes, nil
}

// recoveryHash hashes a normalized recovery code. Codes carry 80 random
// bits, so a fast hash suffices.
func recoveryHash(normalized string) []byte {
	sum := sha256.Sum256([]byte("haven/recovery/" + normalized))
	return sum[:]
}

// storeRecoveryCodes replaces the user's recovery codes inside tx.
func (s *Service) storeRecoveryCodes(ctx context.Context, tx pgx.Tx, userID int64, hashes [][]byte) error {
	if _, err := tx.Exec(ctx, sqlDeleteRecovery, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.Exec(ctx, sqlInsertRecovery, userID, h); err != nil {
			return err
		}
	}
	return nil
}

// useRecoveryCode marks the normalized code used and reports whether it was
// a valid, unused code of the user.
func (s *Service) useRecoveryCode(ctx context.Context, tx pgx.Tx, userID int64, code string) (bool, error) {
	if len(code) != 16 || strings.Trim(code, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return false, nil
	}
	tag, err := tx.Exec(ctx, sqlUseRecovery, userID, recoveryHash(code), s.now())
	return tag.RowsAffected() == 1, err
}
