package records

import (
	"context"

	"haven/portal/account"
)

// Authorizer is the access policy: *account.Service satisfies it. It returns
// nil when actor may act on patientID's data, else a fault.Forbidden error
// (having audited the refusal).
type Authorizer interface {
	Authorize(ctx context.Context, actor account.Actor, action account.Action, patientID int64) error
}

// Sealer encrypts health information at rest: *seal.Keyring satisfies it.
// Unseal must be given the owner and associated data used to Seal.
type Sealer interface {
	Seal(ctx context.Context, owner string, plaintext, ad []byte) ([]byte, error)
	Unseal(ctx context.Context, owner string, sealed, ad []byte) ([]byte, error)
}
