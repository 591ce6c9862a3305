package seal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"haven/portal/fault"
)

const (
	sqlSelectKeyset = `SELECT wrapped FROM seal_keysets WHERE owner = $1`
	sqlInsertKeyset = `INSERT INTO seal_keysets (owner, wrapped) VALUES ($1, $2) ON CONFLICT (owner) DO NOTHING`
)

// errNoKeyset means the owner has never sealed anything.
var errNoKeyset = errors.New("seal: owner has no keyset")

// wrapAD binds a wrapped keyset to its owner, so swapping wrapped keysets
// between rows fails to unwrap.
func wrapAD(owner string) []byte { return []byte("haven/seal/v1/keyset/" + owner) }

// load reads owner's keyset from the database and unwraps it. When there is
// none and create is set it inserts a fresh one; racing creators (on this
// node or others) converge on whichever insert won.
func (k *Keyring) load(ctx context.Context, owner string, create bool) (*dataKey, error) {
	var wrapped []byte
	err := k.db.QueryRow(ctx, sqlSelectKeyset, owner).Scan(&wrapped)
	if errors.Is(err, pgx.ErrNoRows) {
		if !create {
			return nil, errNoKeyset
		}
		return k.create(ctx, owner)
	}
	if err != nil {
		return nil, fmt.Errorf("seal: read keyset: %w", err)
	}
	h, err := k.unwrap(ctx, owner, wrapped)
	if err != nil {
		return nil, err
	}
	return newDataKey(h)
}

func (k *Keyring) create(ctx context.Context, owner string) (*dataKey, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("seal: new keyset: %w", err)
	}
	wrapped, err := k.wrap(h, owner)
	if err != nil {
		return nil, err
	}
	tag, err := k.db.Exec(ctx, sqlInsertKeyset, owner, wrapped)
	if err != nil {
		return nil, fmt.Errorf("seal: insert keyset: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return newDataKey(h)
	}
	return k.load(ctx, owner, false) // another creator won
}

// wrap encrypts h under the current KEK, bound to owner.
func (k *Keyring) wrap(h *keyset.Handle, owner string) ([]byte, error) {
	var buf bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&buf), k.currentKEK(), wrapAD(owner)); err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	return buf.Bytes(), nil
}

// unwrap decrypts owner's wrapped keyset. When the KEK this node holds
// cannot, it reads the KEK source again once (another process may have
// rotated it) and retries.
func (k *Keyring) unwrap(ctx context.Context, owner string, wrapped []byte) (*keyset.Handle, error) {
	read := func() (*keyset.Handle, error) {
		return keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), k.currentKEK(), wrapAD(owner))
	}
	h, err := read()
	if err == nil {
		return h, nil
	}
	fresh, kerr := k.src.AEAD(ctx)
	if kerr != nil {
		return nil, kerr
	}
	k.setKEK(fresh)
	if h, err = read(); err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	return h, nil
}

func newDataKey(h *keyset.Handle) (*dataKey, error) {
	a, err := newAEAD(h)
	if err != nil {
		return nil, err
	}
	info := h.KeysetInfo().GetKeyInfo()
	ids := make([]uint32, len(info))
	for i, ki := range info {
		ids[i] = ki.GetKeyId()
	}
	return &dataKey{aead: a, keyIDs: ids, loaded: time.Now()}, nil
}
