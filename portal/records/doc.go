// Package records is the part of a patient's chart the patient shares in:
// clinical notes, the treatment plan, the Stanley–Brown safety plan,
// emergency contacts and the resources a clinician assigns.
//
// Notes are shared with the patient unless a clinician withholds one under
// a 21st Century Cures Act information-blocking exception, which is
// recorded; psychotherapy notes are never shared. Which notes a reader may
// see is decided in one place (audience.go): every read of notes, and the
// export for the patient, goes through it.
//
// Every exported function taking a patient asks account's Authorize first
// and audits what it reads or writes in the same transaction, one audit row
// per call. Free text is sealed at rest with owner "patient:<id>" and
// associated data naming table, row and column.
//
// The package imports only portal/account, portal/audit and portal/fault;
// encryption (a *seal.Keyring) comes in through the Sealer interface.
package records
