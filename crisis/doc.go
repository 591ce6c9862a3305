// Package crisis runs crisis escalations: a trigger (the crisis button, risk
// language found by crisis/detect, a measure, a clinician) raises an
// escalation; it is offered to every on-call counselor at once; the first
// claim wins; unclaimed at its acknowledgement deadline it re-routes to the
// next tier (1 on-call counselors, 2 supervisors, 3 all staff on duty and the
// patient's care team) and the patient is told to call 988 now; still
// unclaimed at tier 3 it expires, stays in the queue and keeps alerting; the
// counselor who claimed it resolves it with a disposition and follow-ups.
//
// Durability. Every deadline is a row in PostgreSQL (due_at), driven by a
// Driver on every node with FOR UPDATE SKIP LOCKED, so a node that dies or
// hangs loses nothing: another node's driver takes the row within one poll
// interval of the kill (a hung node's session is ended by PostgreSQL after
// its lease). Raise only writes, inside the caller's transaction if given
// one; a raised row is due at once, so the first driver to poll after the
// commit offers it. Offer, called after the commit, does it immediately;
// RaiseAndOffer does both for callers without a transaction. Offers are
// published before the offering transaction commits, so they are delivered
// at least once; clients dedupe by escalation id.
//
// Privacy. No table, event, log line or hub payload of this package carries
// message text or names beyond a counselor's display name shown to the
// patient: triggers are references, a shared location is sealed under the
// patient's key and readable only by the counselor holding the escalation.
//
// Haven never contacts emergency services by itself: there is no such code
// path; counselors advise, and record EmergencyAdvised.
//
// crisis depends on other packages only through the interfaces in deps.go,
// wired in cmd/portal.
package crisis
