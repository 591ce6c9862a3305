package seal

import "haven/portal/fault"

var (
	// ErrTampered means a ciphertext failed authentication: it was changed,
	// moved to another row (wrong associated data), or belongs to another
	// owner. It is never retryable.
	ErrTampered = fault.New(fault.Internal, "sealed data failed authentication")

	// ErrUnsupportedKeyURI means the key URI names a KEK source (a cloud KMS,
	// for example) that is not built into this binary.
	ErrUnsupportedKeyURI = fault.New(fault.Invalid, "key URI scheme is not built into this binary")

	// ErrInvalidOwner means an owner string is empty, too long, not UTF-8 or
	// contains NUL.
	ErrInvalidOwner = fault.New(fault.Invalid, "invalid key owner")

	// ErrKEK means the key-encryption key could not be loaded, created,
	// rotated, or used to unwrap a data keyset.
	ErrKEK = fault.New(fault.Internal, "key-encryption key unavailable")
)
