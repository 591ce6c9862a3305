package seal

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

const (
	sqlLockKeyset    = `SELECT wrapped FROM seal_keysets WHERE owner = $1 FOR UPDATE`
	sqlUpdateRotated = `UPDATE seal_keysets SET wrapped = $2, rotated_at = now() WHERE owner = $1`
	sqlPageKeysets   = `SELECT owner, wrapped FROM seal_keysets WHERE owner > $1 ORDER BY owner LIMIT $2 FOR UPDATE`
	sqlRewrapKeysets = `UPDATE seal_keysets s SET wrapped = u.wrapped
		FROM unnest($1::text[], $2::bytea[]) AS u(owner, wrapped) WHERE s.owner = u.owner`

	rewrapBatch = 200
)

// RotateDataKey adds a fresh primary key to owner's keyset (creating the
// keyset if the owner has none). New seals use the new key at once on this
// node, and on other nodes within Options.CacheTTL; everything sealed before
// still opens. Existing ciphertexts are not rewritten. Concurrent rotations
// of one owner are serialized by a row lock and each adds its key.
func (k *Keyring) RotateDataKey(ctx context.Context, owner string) error {
	if err := checkOwner(owner); err != nil {
		return err
	}
	if _, err := k.load(ctx, owner, true); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, k.db, func(tx pgx.Tx) error {
		var wrapped []byte
		if err := tx.QueryRow(ctx, sqlLockKeyset, owner).Scan(&wrapped); err != nil {
			return fmt.Errorf("seal: lock keyset: %w", err)
		}
		h, err := k.unwrap(ctx, owner, wrapped)
		if err != nil {
			return err
		}
		if h, err = addPrimary(h); err != nil {
			return err
		}
		if wrapped, err = k.wrap(h, owner); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlUpdateRotated, owner, wrapped)
		return err
	})
	k.cache.invalidate(owner) // after commit: loads racing the rotation are fenced off
	if err != nil {
		return fmt.Errorf("seal: rotate data key: %w", err)
	}
	k.log.Info("seal: data key rotated", "owner", owner)
	return nil
}

// RotateKEK adds a fresh primary key to the KEK (durably, through the KEK
// source) and then re-wraps every data keyset under it, in batches, and
// returns how many it re-wrapped. Data keys themselves do not change, so no
// ciphertext is rewritten and cached keys stay valid. Until the re-wrap
// finishes, keysets still wrapped under an old KEK key open as before,
// because the KEK keeps its old keys. If re-wrapping fails part-way, run
// Rewrap to finish it.
func (k *Keyring) RotateKEK(ctx context.Context) (int, error) {
	kek, err := k.src.Rotate(ctx)
	if err != nil {
		return 0, err
	}
	k.setKEK(kek)
	k.log.Info("seal: key-encryption key rotated")
	return k.Rewrap(ctx)
}

// Rewrap re-wraps every data keyset under the KEK's current primary key,
// one batch per transaction, and returns how many it re-wrapped. It is
// idempotent and safe to run alongside Seal, Unseal and RotateDataKey.
func (k *Keyring) Rewrap(ctx context.Context) (int, error) {
	total, after := 0, ""
	for {
		n, last, err := k.rewrapBatch(ctx, after)
		total += n
		if err != nil {
			return total, fmt.Errorf("seal: rewrap after %d keysets: %w", total, err)
		}
		if n < rewrapBatch {
			k.log.Info("seal: keysets re-wrapped", "count", total)
			return total, nil
		}
		after = last
	}
}

// rewrapBatch re-wraps up to rewrapBatch keysets whose owner sorts after
// `after`, under row locks, and returns the count and the last owner.
func (k *Keyring) rewrapBatch(ctx context.Context, after string) (int, string, error) {
	var owners []string
	var wrapped [][]byte
	err := pgx.BeginFunc(ctx, k.db, func(tx pgx.Tx) error {
		owners, wrapped = owners[:0], wrapped[:0]
		rows, err := tx.Query(ctx, sqlPageKeysets, after, rewrapBatch)
		if err != nil {
			return err
		}
		var o string
		var w []byte
		_, err = pgx.ForEachRow(rows, []any{&o, &w}, func() error {
			owners, wrapped = append(owners, o), append(wrapped, w)
			return nil
		})
		if err != nil {
			return err
		}
		for i, owner := range owners {
			h, err := k.unwrap(ctx, owner, wrapped[i])
			if err != nil {
				return err
			}
			if wrapped[i], err = k.wrap(h, owner); err != nil {
				return err
			}
		}
		if len(owners) == 0 {
			return nil
		}
		_, err = tx.Exec(ctx, sqlRewrapKeysets, owners, wrapped)
		return err
	})
	if err != nil {
		return 0, "", err
	}
	if len(owners) == 0 {
		return 0, after, nil
	}
	return len(owners), owners[len(owners)-1], nil
}
