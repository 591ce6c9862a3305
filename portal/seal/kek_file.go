package seal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"haven/portal/fault"
)

// FileKEK keeps the KEK as a Tink JSON keyset in a local file, readable by
// the server's user only (0600, in a directory created 0700). Anyone who can
// read the file and a database dump can read everything sealed: keep the file
// off the database host's backups, or use a KMS.
type FileKEK struct {
	path string
	mu   sync.Mutex // serializes this process's creations and rotations
}

// NewFileKEK returns the KEK source for the keyset file at path. Nothing is
// read or created until the first call.
func NewFileKEK(path string) *FileKEK { return &FileKEK{path: path} }

// Path returns the keyset file's path.
func (f *FileKEK) Path() string { return f.path }

// AEAD reads the keyset file, creating it with one fresh key on first use.
// Processes that create it at the same time converge on one file.
func (f *FileKEK) AEAD(context.Context) (tink.AEAD, error) {
	h, err := f.load()
	if err != nil {
		return nil, err
	}
	return newAEAD(h)
}

// Rotate adds a new primary key to the keyset file, replacing the file
// atomically (write, fsync, rename), under a lock shared with other
// processes so that no rotation overwrites another's key.
func (f *FileKEK) Rotate(context.Context) (tink.AEAD, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	unlock, err := lockFile(f.path + ".lock")
	if err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	defer unlock()
	h, err := f.loadLocked()
	if err != nil {
		return nil, err
	}
	if h, err = addPrimary(h); err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	tmp, err := writeTemp(filepath.Dir(f.path), h)
	if err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	if err := os.Rename(tmp, f.path); err != nil {
		os.Remove(tmp)
		return nil, fault.Wrap(ErrKEK, err)
	}
	if err := syncDir(filepath.Dir(f.path)); err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	return newAEAD(h)
}

func (f *FileKEK) load() (*keyset.Handle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loadLocked()
}

// loadLocked reads the file or, when it does not exist, creates it.
func (f *FileKEK) loadLocked() (*keyset.Handle, error) {
	h, err := readKeysetFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		h, err = f.create()
	}
	if err != nil {
		return nil, fault.Wrap(ErrKEK, err)
	}
	return h, nil
}

// create writes a fresh keyset to a temporary file and links it into place,
// so the file appears complete or not at all; when another process linked
// first, its keyset wins and is returned.
func (f *FileKEK) create() (*keyset.Handle, error) {
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(dir, h)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, f.path); errors.Is(err, fs.ErrExist) {
		return readKeysetFile(f.path)
	} else if err != nil {
		return nil, err
	}
	return h, syncDir(dir)
}

func readKeysetFile(path string) (*keyset.Handle, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(file))
	if err != nil {
		return nil, fmt.Errorf("read KEK keyset %s: %w", path, err)
	}
	return h, nil
}

// writeTemp writes h as a JSON keyset to a new 0600 file in dir, synced to
// disk, and returns its name.
func writeTemp(dir string, h *keyset.Handle) (string, error) {
	file, err := os.CreateTemp(dir, ".kek-*.tmp")
	if err != nil {
		return "", err
	}
	name := file.Name()
	err = file.Chmod(0o600)
	if err == nil {
		err = insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(file))
	}
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
