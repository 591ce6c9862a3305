package seal_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"haven/migrations/dbtest"
	"haven/portal/seal"
)

func TestOpenKEKSchemes(t *testing.T) {
	tests := []struct {
		uri         string
		unsupported bool
		wantPath    string
	}{
		{uri: "file:///etc/haven/kek.json", wantPath: "/etc/haven/kek.json"},
		{uri: "file://data/kek.json", wantPath: "data/kek.json"},
		{uri: "gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k", unsupported: true},
		{uri: "aws-kms://arn:aws:kms:eu-west-1:1:key/abc", unsupported: true},
		{uri: "hcvault://vault/transit/keys/k", unsupported: true},
		{uri: "/etc/haven/kek.json", unsupported: true},
		{uri: "", unsupported: true},
	}
	for _, tc := range tests {
		t.Run(tc.uri, func(t *testing.T) {
			src, err := seal.OpenKEK(tc.uri)
			if tc.unsupported {
				if !errors.Is(err, seal.ErrUnsupportedKeyURI) {
					t.Fatalf("OpenKEK error = %v, want ErrUnsupportedKeyURI", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, ok := src.(*seal.FileKEK)
			if !ok || f.Path() != tc.wantPath {
				t.Fatalf("OpenKEK = %#v, want a FileKEK at %s", src, tc.wantPath)
			}
		})
	}
	if _, err := seal.OpenKEK("file://"); err == nil {
		t.Fatal("file:// without a path was accepted")
	}
}

func TestFileKEKCreatedOnFirstStartAndReused(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "secrets")
	path := filepath.Join(dir, "kek.json")

	first, err := seal.Open(ctx, pool, "file://"+path, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("KEK file not created on first start: %v", err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("KEK file mode %o, want 600", perm)
	}
	if dinfo, err := os.Stat(dir); err != nil || dinfo.Mode().Perm() != 0o700 {
		t.Fatalf("KEK directory mode = %v, %v; want 700", dinfo.Mode().Perm(), err)
	}
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ct := mustSeal(t, first, "user:3", "hello", "user:3/x")

	second, err := seal.Open(ctx, pool, "file://"+path, quietOptions())
	if err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(content) {
		t.Fatal("second start rewrote the KEK file")
	}
	mustOpen(t, second, "user:3", ct, "user:3/x", "hello")
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("KEK directory holds %d entries, want only the keyset file", len(entries))
	}
}

// Processes starting together converge on one KEK file.
func TestFileKEKConcurrentCreation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek.json")
	const n = 8
	var wg sync.WaitGroup
	ciphertexts := make([][]byte, n)
	srcs := make([]*seal.FileKEK, n)
	errs := make([]error, n)
	for i := range n {
		srcs[i] = seal.NewFileKEK(path)
		wg.Go(func() {
			a, err := srcs[i].AEAD(context.Background())
			if err == nil {
				ciphertexts[i], err = a.Encrypt([]byte("probe"), nil)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
	}
	a, err := seal.NewFileKEK(path).AEAD(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, ct := range ciphertexts {
		if _, err := a.Decrypt(ct, nil); err != nil {
			t.Fatalf("process %d used a KEK other than the file's: %v", i, err)
		}
	}
}

func TestFileKEKRotateKeepsOldKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek.json")
	src := seal.NewFileKEK(path)
	ctx := context.Background()
	a, err := src.AEAD(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old, err := a.Encrypt([]byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := src.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("rotated KEK file: %v", err)
	}
	reloaded, err := seal.NewFileKEK(path).AEAD(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := rotated.Encrypt([]byte("y"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reloaded.Decrypt(old, nil); err != nil {
		t.Fatalf("old KEK ciphertext no longer opens: %v", err)
	}
	if _, err := reloaded.Decrypt(fresh, nil); err != nil {
		t.Fatalf("new KEK ciphertext does not open from the file: %v", err)
	}
	if _, err := a.Decrypt(fresh, nil); err == nil {
		t.Fatal("the pre-rotation KEK opened data sealed after rotation: no new key was added")
	}
}

func TestFileKEKRejectsCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kek.json")
	if err := os.WriteFile(path, []byte("{not a keyset"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := seal.NewFileKEK(path).AEAD(context.Background())
	if !errors.Is(err, seal.ErrKEK) {
		t.Fatalf("corrupt KEK file: error = %v, want ErrKEK", err)
	}
}
