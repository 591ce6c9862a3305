// Package seal encrypts health information at rest with envelope encryption.
//
// Every owner ("conversation:42", "patient:7", "user:3") has its own data
// keyset: a Tink AEAD keyset (AES-256-GCM) created on first use and stored in
// table seal_keysets only in wrapped form, encrypted under the key-encryption
// key (KEK). The KEK is itself a Tink AEAD keyset obtained from a key URI
// through a KEKSource; it never enters the database. A database dump
// therefore holds ciphertext and wrapped keysets, never plaintext or keys.
//
// Callers pass associated data naming the row a ciphertext belongs to (for
// example "conversation:42/seq:7"), so a ciphertext copied to another row, or
// opened under another owner, fails with ErrTampered.
//
// Keys rotate without rewriting data: RotateDataKey adds a new primary key to
// one owner's keyset and RotateKEK adds a new primary key to the KEK and
// re-wraps every data keyset. Old keys stay in their keysets, so everything
// sealed before a rotation still opens.
//
// A Keyring caches unwrapped data keysets in memory (a bounded LRU), so the
// hot path (Seal on every chat message) costs one AES-GCM operation and no
// database round trip.
package seal
