//go:build !unix

package seal

// lockFile is a no-op where flock is unavailable: rotations are serialized
// within one process only.
func lockFile(string) (func(), error) { return func() {}, nil }
