package seal

import (
	"bytes"
	"context"
	"os"

	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
)

// KeyIDOf exposes keyIDOf to the external tests.
var KeyIDOf = keyIDOf

// PrimaryKeyID returns the id of owner's primary data key, read from the
// database (bypassing the cache).
func (k *Keyring) PrimaryKeyID(ctx context.Context, owner string) (uint32, error) {
	var wrapped []byte
	if err := k.db.QueryRow(ctx, sqlSelectKeyset, owner).Scan(&wrapped); err != nil {
		return 0, err
	}
	h, err := k.unwrap(ctx, owner, wrapped)
	if err != nil {
		return 0, err
	}
	return h.KeysetInfo().GetPrimaryKeyId(), nil
}

// DataKeyMaterial returns the serialized secret key material of owner's
// keyset, for asserting that it never appears in the database.
func (k *Keyring) DataKeyMaterial(ctx context.Context, owner string) ([][]byte, error) {
	var wrapped []byte
	if err := k.db.QueryRow(ctx, sqlSelectKeyset, owner).Scan(&wrapped); err != nil {
		return nil, err
	}
	h, err := k.unwrap(ctx, owner, wrapped)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, key := range insecurecleartextkeyset.KeysetMaterial(h).GetKey() {
		out = append(out, key.GetKeyData().GetValue())
	}
	return out, nil
}

// CacheLen returns the number of cached data keys.
func (k *Keyring) CacheLen() int { return k.cache.len() }

// UnwrapWithPrimaryOnly reads the KEK keyset file at path, drops every key
// but the primary, and unwraps owner's wrapped keyset with what is left: it
// succeeds only if the keyset is wrapped under the KEK's primary key.
func UnwrapWithPrimaryOnly(path, owner string, wrapped []byte) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(f))
	if err != nil {
		return err
	}
	primary := h.KeysetInfo().GetPrimaryKeyId()
	m := keyset.NewManagerFromHandle(h)
	for _, ki := range h.KeysetInfo().GetKeyInfo() {
		if ki.GetKeyId() != primary {
			if err := m.Delete(ki.GetKeyId()); err != nil {
				return err
			}
		}
	}
	if h, err = m.Handle(); err != nil {
		return err
	}
	kek, err := newAEAD(h)
	if err != nil {
		return err
	}
	_, err = keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(wrapped)), kek, wrapAD(owner))
	return err
}
