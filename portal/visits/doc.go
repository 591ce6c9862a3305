// Package visits is Haven's scheduling: clinicians' availability (weekly
// rules plus dated exceptions, in the clinician's IANA zone), visit types
// (length and modality), appointments that patients book, reschedule and
// cancel with clinicians on their care team, an earlier-slot waitlist, the
// clinician's day view, and the video waiting room.
//
// # Access
//
// Every function that reads or writes a patient's appointments asks
// account's Authorize first (a patient reaches only their own; a clinician
// only while on the patient's care team or under break-glass) and refuses
// with fault.Forbidden; in addition, the appointment's clinician must be on
// the patient's care team. Each such request writes one audit row in the
// same transaction as the data it reads or writes ("visits.book",
// "visits.list", …), never one per row.
//
// # Double booking
//
// Booked appointments and waitlist holds of one clinician (and of one
// patient) cannot overlap: an exclusion constraint on the instant range
// enforces it in PostgreSQL, so of any number of concurrent requests for a
// slot exactly one succeeds and the others get ErrSlotTaken.
//
// # Notice windows
//
// Patients book at least Options.BookNotice ahead and cancel or reschedule
// at least Options.ChangeNotice ahead; inside the window they are told to
// call the clinic or message their care team. Clinicians are not bound by
// the windows (they act on the patient's call).
//
// # Waitlist
//
// A patient may ask to be offered an earlier slot with a clinician, before
// a given time. When a booked slot frees up (a cancellation or a
// reschedule), the first matching entry in line gets an offer in the same
// transaction: a hold on the slot, reserved for them until
// Options.OfferHold has passed. They accept it (it becomes their
// appointment) or decline it, or it lapses (ExpireOffers, run by RunExpiry);
// then the slot is offered to the next in line, and once nobody matches it
// is open to everyone.
//
// # Time
//
// Appointments are stored as instants plus the clinician's zone; rules and
// exceptions are local wall times. A wall time that does not exist (a
// spring-forward gap) means the first instant after the gap; one that
// occurs twice (fall-back) means its first occurrence. InZone and Render
// show any instant in any viewer's zone.
//
// # What is stored in plain
//
// Times, visit types and modality are scheduling metadata and are not
// sealed; the package stores no free text about a patient.
package visits
