// Package meds keeps a patient's medication list: what the care team has
// recorded (name, dose, instructions, daily dose times, prescriber, start
// and stop dates), the dose reminders the patient turns on or off, refill
// requests that the prescribing clinician approves or declines, and the
// adherence the patient records, which the care team sees as rates.
//
// # Access
//
// Every function asks account's Authorize first (fault.Forbidden, audited
// as access.denied, for anyone off the patient's care team) and then
// applies its role rule: only clinicians on the care team change the list;
// only the patient turns reminders on or off, asks for refills and records
// doses; only the prescriber decides a refill. Each request writes one
// audit row ("meds.read", "meds.add", …) in the transaction it reads or
// writes in.
//
// # Sealed at rest
//
// A medication's name, dose and instructions and a refill decision's note
// are health information: they are sealed with the patient's key (owner
// "patient:<id>") and bound to their row and column ("med:42/name"), so a
// database dump holds none of them and a ciphertext moved to another row
// does not open. Dates, daily dose times, the zone, states and ids are
// kept in plain; they are what scheduling and adherence compute with.
//
// # Atomicity
//
// Dose reminders are scheduled or cancelled through the Reminders port in
// the same transaction as the change that needs them, and refill
// notifications go through the Notifier port in the decision's
// transaction: a failure in either leaves nothing half-done. Notifications
// carry ids only.
package meds
