package chat

import (
	"context"

	"haven/portal/seal"
	"haven/push"
)

// The packages the lead wires in satisfy chat's ports, and chat satisfies
// the crisis package's ConversationOpener (its signature, restated here).
var (
	_ Sealer   = (*seal.Keyring)(nil)
	_ Notifier = (*push.Service)(nil)
	_ interface {
		OpenCrisis(ctx context.Context, escalationID, patientID, counselorID int64) (string, error)
	} = (*Service)(nil)
)
