// Package push sends Haven's web push notifications: the VAPID key pair,
// the browsers' push subscriptions, the sender, and durable reminders.
//
// # What a push carries
//
// Nothing about health. Every payload is one of a few fixed texts chosen by
// kind (see Kind): {"title":"Haven","body":"You have a new message in
// Haven","kind":"message","ref":"…","url":"/messages"}. Callers pass ids,
// never text, so no caller-supplied content can reach a lock screen. The ref
// is an opaque keyed hash of the kind and the id of the thing (the same
// value as the Topic header), usable by the service worker as a
// notification tag.
//
// # Subscriptions
//
// Endpoints are accepted only over https from allow-listed push services
// (request forgery would otherwise let a user make the server post to any
// address). The p256dh and auth keys are stored in plain: they are not
// health information, and a leaked copy cannot send anything without the
// VAPID private key, which is sealed.
//
// # Reminders
//
// Reminders are rows in push_reminders with a River job each, inserted in
// the caller's transaction. Times are given as a local wall time plus an
// IANA zone (Local) and converted to an instant when scheduled. A wall time
// that does not exist (inside a spring-forward gap) fires at the first
// instant after the gap, 03:00 for 02:30 in New York or Berlin; a wall time
// that occurs twice (fall-back) fires once, at its first occurrence.
//
// When a job runs it re-checks the reminder: cancelled (rescheduled, read,
// medication off, escalation claimed) or no longer relevant (appointment
// started, dose more than Config.MedicationStale late, …) reminders are
// dropped and the reason recorded; opted-out kinds are dropped; reminders in
// the user's quiet hours are deferred to the end of them. Crisis alerts
// ignore quiet hours and opt-outs.
//
// # Delivered at most once per device
//
// Each (reminder, subscription) pair has a row in push_deliveries. Before
// posting, the sender commits the row in state "attempting"; after the push
// service answers it records the outcome: sent, gone (404/410: the
// subscription is deleted), failed (413 and other 4xx, not retried) or retry
// (429, 5xx, timeouts, network errors). A retried job sends again only to
// devices in state retry. A crash between the push service's 201 and the
// recording of "sent" leaves the row in "attempting": that device is never
// posted to again for this reminder, so it may miss the notice but never gets
// it twice. A timeout is ambiguous (the push service may have accepted the
// message) and is retried; the Topic header makes the push service replace a
// still-pending first copy, so the device normally shows one.
package push
