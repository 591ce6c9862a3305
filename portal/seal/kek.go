package seal

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"haven/portal/fault"
)

// KEKSource supplies the key-encryption key. A cloud KMS plugs in by
// implementing it (and being selected by OpenKEK's caller); this binary has
// FileKEK and MemoryKEK.
type KEKSource interface {
	// AEAD returns the current KEK, creating it on first use. It reads the
	// source afresh on every call, so a Keyring calls it again to pick up a
	// rotation made by another process. The AEAD encrypts under the primary
	// key and decrypts under every key the KEK has ever had.
	AEAD(ctx context.Context) (tink.AEAD, error)

	// Rotate durably adds a new primary key, keeping the old keys for
	// decryption, and returns the rotated KEK. Concurrent rotations never
	// lose a key.
	Rotate(ctx context.Context) (tink.AEAD, error)
}

// OpenKEK returns the KEK source named by a key URI. Supported:
//
//	file:///etc/haven/kek.json   (absolute path)
//	file://data/kek.json         (path relative to the working directory)
//
// Any other scheme (gcp-kms://, aws-kms://, hcvault://, …) fails with an
// error matching ErrUnsupportedKeyURI.
func OpenKEK(uri string) (KEKSource, error) {
	scheme, rest, ok := strings.Cut(uri, "://")
	switch {
	case !ok:
		return nil, fmt.Errorf("seal: key URI must look like file:///path/to/kek.json: %w", ErrUnsupportedKeyURI)
	case scheme == "file" && rest != "":
		return NewFileKEK(rest), nil
	case scheme == "file":
		return nil, fault.Invalidf("key URI file:// needs a path")
	default:
		return nil, fmt.Errorf("seal: key URI scheme %q is not built into this binary (only file:// is): %w", scheme, ErrUnsupportedKeyURI)
	}
}

// MemoryKEK is a KEK held only in memory, for tests: everything wrapped
// under it is lost with the process.
type MemoryKEK struct {
	mu sync.Mutex
	h  *keyset.Handle
}

// NewMemoryKEK returns a MemoryKEK with one fresh AES-256-GCM key.
func NewMemoryKEK() (*MemoryKEK, error) {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	return &MemoryKEK{h: h}, nil
}

// AEAD returns the current KEK.
func (m *MemoryKEK) AEAD(context.Context) (tink.AEAD, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return newAEAD(m.h)
}

// Rotate adds a new primary key and returns the rotated KEK.
func (m *MemoryKEK) Rotate(context.Context) (tink.AEAD, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, err := addPrimary(m.h)
	if err != nil {
		return nil, err
	}
	m.h = h
	return newAEAD(h)
}

// newAEAD returns the AEAD primitive of a keyset handle.
func newAEAD(h *keyset.Handle) (tink.AEAD, error) {
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("seal: aead primitive: %w", err)
	}
	return a, nil
}

// addPrimary returns a copy of h with a fresh AES-256-GCM key as primary.
func addPrimary(h *keyset.Handle) (*keyset.Handle, error) {
	m := keyset.NewManagerFromHandle(h)
	id, err := m.Add(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, fmt.Errorf("seal: add key: %w", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return nil, fmt.Errorf("seal: set primary: %w", err)
	}
	return m.Handle()
}
