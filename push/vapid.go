package push

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Sealer encrypts secrets at rest; portal/seal provides it. Unseal must fail
// when owner or ad differ from those given to Seal.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}

// vapidOwner and vapidAD bind the sealed VAPID private key to its purpose.
const (
	vapidOwner = "push:vapid"
	vapidAD    = "push_vapid_keys:1"
)

const (
	sqlVAPIDSelect = `SELECT public_key, sealed_private FROM push_vapid_keys WHERE id = 1`
	sqlVAPIDInsert = `INSERT INTO push_vapid_keys (id, public_key, sealed_private) VALUES (1, $1, $2)
		ON CONFLICT (id) DO NOTHING`
)

// vapidKeys is the application server key pair.
type vapidKeys struct {
	private *ecdh.PrivateKey
	public  []byte // 65-byte uncompressed point
}

// loadVAPID returns the stored key pair, generating and storing one on the
// first start. Concurrent first starts converge on the pair that was
// inserted first.
func loadVAPID(ctx context.Context, pool *pgxpool.Pool, sealer Sealer) (*vapidKeys, error) {
	k, err := readVAPID(ctx, pool, sealer)
	if !errors.Is(err, pgx.ErrNoRows) {
		return k, err
	}
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("push: generate vapid key: %w", err)
	}
	sealed, err := sealer.Seal(ctx, vapidOwner, priv.Bytes(), []byte(vapidAD))
	if err != nil {
		return nil, fmt.Errorf("push: seal vapid key: %w", err)
	}
	if _, err := pool.Exec(ctx, sqlVAPIDInsert, priv.PublicKey().Bytes(), sealed); err != nil {
		return nil, fmt.Errorf("push: store vapid key: %w", err)
	}
	return readVAPID(ctx, pool, sealer)
}

// readVAPID reads and unseals the stored pair; pgx.ErrNoRows when none.
func readVAPID(ctx context.Context, pool *pgxpool.Pool, sealer Sealer) (*vapidKeys, error) {
	var public, sealed []byte
	if err := pool.QueryRow(ctx, sqlVAPIDSelect).Scan(&public, &sealed); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("push: read vapid key: %w", err)
	}
	raw, err := sealer.Unseal(ctx, vapidOwner, sealed, []byte(vapidAD))
	if err != nil {
		return nil, fmt.Errorf("push: unseal vapid key: %w", err)
	}
	priv, err := ecdh.P256().NewPrivateKey(raw)
	if err != nil {
		return nil, fmt.Errorf("push: vapid key: %w", err)
	}
	if !bytes.Equal(priv.PublicKey().Bytes(), public) {
		return nil, errors.New("push: stored vapid public key does not match the private key")
	}
	return &vapidKeys{private: priv, public: public}, nil
}

// publicB64 is the application server key as the browser's
// PushManager.subscribe wants it (base64url, no padding).
func (k *vapidKeys) publicB64() string { return base64.RawURLEncoding.EncodeToString(k.public) }

// privateB64 is the private scalar in the form webpush-go decodes.
func (k *vapidKeys) privateB64() string {
	return base64.RawURLEncoding.EncodeToString(k.private.Bytes())
}
