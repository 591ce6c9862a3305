package account

import (
	"context"
	"net/netip"
	"strings"

	"haven/portal/audit"
)

// AuditEntry is the audit row of an access by a: its id, role, client
// address and user agent, with the action, the patient concerned and the
// target, and outcome OK (a caller recording a refusal sets Outcome).
func (a Actor) AuditEntry(action string, patientID int64, target string) audit.Entry {
	ip, _ := netip.ParseAddr(a.IP)
	return audit.Entry{ActorID: a.UserID, ActorRole: string(a.Role), Action: action, PatientID: patientID,
		Target: target, Outcome: audit.OK, ClientIP: ip, UserAgent: a.UserAgent}
}

// AuditLog is the Auditor that writes account's events to the audit log
// (portal/audit), in the caller's transaction when db is one. Account's
// detailed failure outcomes ("bad_code", "replayed", …) are recorded as
// audit.Failed, with the detail kept after the target.
type AuditLog struct{}

// Record writes e through db.
func (AuditLog) Record(ctx context.Context, db Querier, e Event) error {
	ip, _ := netip.ParseAddr(e.IP)
	outcome, target := audit.Outcome(e.Outcome), e.Target
	switch outcome {
	case audit.OK, audit.Denied, audit.Failed:
	default:
		target = strings.TrimPrefix(target+";"+e.Outcome, ";")
		outcome = audit.Failed
	}
	return audit.Record(ctx, db, audit.Entry{
		ActorID: e.ActorID, ActorRole: e.ActorRole, Action: e.Action, PatientID: e.PatientID,
		Target: target, Outcome: outcome, ClientIP: ip, UserAgent: e.UserAgent,
	})
}
