// Package audit keeps Haven's append-only, hash-chained audit log.
//
// Every read or write of health information and every security event
// (sign-in, failed sign-in, MFA, break-glass, refusal) is one row saying who
// (actor id and role), did what (a stable action name), to which patient and
// target, with what outcome, when (server time) and from where (client IP,
// truncated user agent). No field ever holds health information: a target
// names a thing ("conversation:42"), never its content.
//
// # Writing
//
// Record inserts one row through the caller's Querier, so an audit row
// commits or rolls back with the action it records. It takes no shared lock:
// writers never wait on each other.
//
// # Chaining
//
// A Chainer later links committed rows into one chain: it gives each row the
// next gap-free chain_pos and hash = SHA-256(previous hash || canonical
// encoding of every field, including id and chain_pos), and advances the
// head record (audit_head) in the same transaction. One chainer runs at a
// time across all nodes (a PostgreSQL advisory lock); any node may be it.
//
// Why this order is sound: the chain's order is the order in which rows
// become visible to the chainer, not the order of their ids. Ids are handed
// out at insert but transactions commit in any order, so a row with a small
// id may commit after rows with larger ids have been chained; it is then
// simply chained later, at a higher position. Nothing is ever skipped,
// because each pass selects every committed row that has no chain position,
// whatever its id; nothing is linked twice, because positions are assigned
// only under the lock, starting from the head, and the head moves in the same
// transaction (a failed pass assigns nothing). The chain therefore only
// grows, and each committed row joins it exactly once, within about a second.
//
// # Verifying
//
// Verify recomputes the chain from position 1 and compares it with the
// stored hashes and the head. See Verify for what it detects and what it
// cannot.
package audit
