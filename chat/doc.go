// Package chat is Haven's secure messaging: conversations between a patient
// and their care team (kinds "direct", "team" and "crisis"), immutable
// messages sealed at rest, gap-free per-conversation sequence numbers,
// idempotent sends, read receipts, typing, history, resume, attachments and
// the care team's inbox. It serves the chat.* frames of the hub (PROTOCOL.md)
// and offers the same operations as Go methods on Service.
//
// Sending. A send is checked (body limits, membership, access), then handed
// to the committer that owns its conversation (Config.Committers of them,
// each on its own database connection), which groups the sends waiting for
// it into one transaction of two round trips: each conversation row is
// locked, its last_seq advanced, the body sealed with owner
// "conversation:<id>" and associated data naming the conversation and
// sequence number, and the message inserted with its audit row. A
// rolled-back transaction leaves no gap. The answer (sequence number and
// server time) is given only after the commit. A send repeating a client_id
// of the same sender in the same conversation returns the stored message;
// racing duplicates store one. A patient's new messages then go to the
// RiskScreen.
//
// Delivery. After the commit, a durable "chat.message" event carrying the
// SEALED body is published to every participant's user topic, in sequence
// order for the messages this node commits. Each delivering node opens it in
// a RenderFunc, so neither Redis nor any other transport sees plaintext.
// Offline participants get a content-free push through Notifier.
//
// Resume. A client's hello may carry {"chat": {"resume": {"<id>": seq}}};
// the hello hook replays what it missed from PostgreSQL and filters the
// events held meanwhile, so a connection sees every message once, in order.
// On one node this is exact. Across nodes, see PROTOCOL.md ("Across nodes").
//
// Access. Only active participants may read, send to, or learn of a
// conversation; staff must also pass Access (their care-team relationship or
// an access grant). Anyone else gets ErrNotFound, exactly as for an id that
// does not exist. Reads of messages are audited once per history page or
// resume, sends once per message.
//
// Logs carry ids only, never bodies or names.
package chat
