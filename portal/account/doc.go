// Package account is Haven's identity and access layer: accounts and roles,
// passwords (argon2id), sign-in with lockout and per-address rate limits,
// server-side sessions (only token hashes stored; idle and absolute expiry),
// TOTP multi-factor authentication with single-use codes and recovery codes,
// invitations, care teams, time-limited access grants, break-glass, and the
// one access policy every other package calls: Service.Authorize.
//
// The package owns the tables of migrations/0001_accounts.sql. It depends on
// encryption at rest and the audit log only through the small Sealer and
// Auditor interfaces it defines, so it imports neither.
//
// All errors returned to callers are *fault.Error values (or wrap one) whose
// message is safe to show; sentinels are matched with errors.Is.
package account
