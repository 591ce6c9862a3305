package seal

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// Default cache settings.
const (
	DefaultCacheSize = 10_000
	DefaultCacheTTL  = 10 * time.Minute
	maxOwnerLen      = 200
)

// Options tune a Keyring. The zero value is ready to use.
type Options struct {
	// CacheSize bounds the unwrapped data keysets kept in memory
	// (default DefaultCacheSize).
	CacheSize int
	// CacheTTL bounds how long a cached keyset is used before it is read
	// again (default DefaultCacheTTL). It is how other nodes pick up a
	// data-key rotation made elsewhere: until then they keep sealing under
	// the previous primary key, which is still valid.
	CacheTTL time.Duration
	// Logger receives rotation events (owner ids only); default slog.Default().
	Logger *slog.Logger
}

// Keyring seals and opens data for owners. It is safe for concurrent use.
type Keyring struct {
	db    *pgxpool.Pool
	src   KEKSource
	cache *cache
	log   *slog.Logger

	kekMu sync.RWMutex
	kek   tink.AEAD
}

// Open returns a Keyring whose KEK comes from keyURI (see OpenKEK).
func Open(ctx context.Context, db *pgxpool.Pool, keyURI string, opts Options) (*Keyring, error) {
	src, err := OpenKEK(keyURI)
	if err != nil {
		return nil, err
	}
	return New(ctx, db, src, opts)
}

// New returns a Keyring on db with the KEK from src. It loads the KEK at
// once (a file KEK is created on first start), so a missing or unreadable
// key fails at startup rather than on the first message.
func New(ctx context.Context, db *pgxpool.Pool, src KEKSource, opts Options) (*Keyring, error) {
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	kek, err := src.AEAD(ctx)
	if err != nil {
		return nil, err
	}
	return &Keyring{db: db, src: src, cache: newCache(opts.CacheSize, opts.CacheTTL), log: opts.Logger, kek: kek}, nil
}

// Seal encrypts plaintext under owner's data key, creating the key on the
// owner's first use, and binds the ciphertext to associatedData. The result
// opens only with Unseal for the same owner and the same associated data.
func (k *Keyring) Seal(ctx context.Context, owner string, plaintext, associatedData []byte) ([]byte, error) {
	if err := checkOwner(owner); err != nil {
		return nil, err
	}
	key, _, err := k.dataKey(ctx, owner, true)
	if err != nil {
		return nil, err
	}
	ct, err := key.aead.Encrypt(plaintext, associatedData)
	if err != nil {
		return nil, fmt.Errorf("seal: encrypt: %w", err)
	}
	return ct, nil
}

// Unseal decrypts a ciphertext made by Seal for owner with the same
// associated data, under any key owner's keyset has had. A ciphertext that
// was changed, moved to another row, or sealed for another owner fails with
// ErrTampered.
func (k *Keyring) Unseal(ctx context.Context, owner string, ciphertext, associatedData []byte) ([]byte, error) {
	if err := checkOwner(owner); err != nil {
		return nil, err
	}
	key, cached, err := k.dataKey(ctx, owner, false)
	if errors.Is(err, errNoKeyset) {
		return nil, ErrTampered
	}
	if err != nil {
		return nil, err
	}
	pt, err := key.aead.Decrypt(ciphertext, associatedData)
	if err == nil {
		return pt, nil
	}
	// A cached keyset may predate a rotation made by another node: when the
	// ciphertext names a key we do not hold, read the keyset again once.
	if id, ok := keyIDOf(ciphertext); cached && ok && !key.has(id) {
		k.cache.invalidate(owner)
		if key, _, err = k.dataKey(ctx, owner, false); err != nil {
			return nil, err
		}
		if pt, err = key.aead.Decrypt(ciphertext, associatedData); err == nil {
			return pt, nil
		}
	}
	return nil, ErrTampered
}

// dataKey returns owner's data key from the cache or the database (creating
// it when create is set), and whether it came from the cache.
func (k *Keyring) dataKey(ctx context.Context, owner string, create bool) (*dataKey, bool, error) {
	if key, ok := k.cache.get(owner, time.Now()); ok {
		return key, true, nil
	}
	gen := k.cache.generation()
	key, err := k.load(ctx, owner, create)
	if err != nil {
		return nil, false, err
	}
	k.cache.put(owner, key, gen)
	return key, false, nil
}

// currentKEK returns the KEK this node uses now.
func (k *Keyring) currentKEK() tink.AEAD {
	k.kekMu.RLock()
	defer k.kekMu.RUnlock()
	return k.kek
}

func (k *Keyring) setKEK(a tink.AEAD) {
	k.kekMu.Lock()
	defer k.kekMu.Unlock()
	k.kek = a
}

// keyIDOf returns the Tink key id in a ciphertext's output prefix.
func keyIDOf(ct []byte) (uint32, bool) {
	const tinkPrefix = 0x01
	if len(ct) < 5 || ct[0] != tinkPrefix {
		return 0, false
	}
	return binary.BigEndian.Uint32(ct[1:5]), true
}

func checkOwner(owner string) error {
	if owner == "" || len(owner) > maxOwnerLen || !utf8.ValidString(owner) {
		return ErrInvalidOwner
	}
	for i := 0; i < len(owner); i++ {
		if owner[i] == 0 {
			return ErrInvalidOwner
		}
	}
	return nil
}
