// Package measures is Haven's measurement-based care: the PHQ-9, GAD-7 and
// C-SSRS screener with their published wording and scoring, clinicians'
// assignments of them (once, every N days, or before a visit), the score
// series that patient and care team both see, and the daily mood check-in.
//
// Every exported function taking a patient asks account's Authorize first
// and audits what it reads or writes in the same transaction, one audit row
// per call. Answers, scores and mood entries are sealed at rest with owner
// "patient:<id>" and associated data naming table, row and column.
//
// Only complete, valid questionnaires are stored: a blank or partial one,
// or an answer outside the item's options, is refused with fault.Invalid and
// nothing is written. A submission that meets a safety trigger (PHQ-9
// item 9 above 0, a moderate or high C-SSRS risk) calls the Escalator inside
// the submission's own transaction, so a stored response never lacks its
// escalation, and tells the caller to show crisis resources at once.
//
// The package imports only portal/account, portal/audit and portal/fault.
// Encryption (a *seal.Keyring), crisis escalation and push reminders come in
// through the Sealer, Escalator and Reminders interfaces it defines.
package measures
