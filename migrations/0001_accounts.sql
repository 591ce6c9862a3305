-- Accounts, sessions, MFA, invitations, care teams and access grants.
-- Owned by portal/account; other packages read them only through its API.

-- People who sign in. Emails are stored normalized (trimmed, lower case).
-- failed_attempts counts consecutive password/MFA failures; reaching the
-- limit sets locked_until and resets the count.
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    role            text NOT NULL CHECK (role IN ('patient', 'clinician', 'counselor', 'admin')),
    password_hash   text NOT NULL DEFAULT '',
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- A patient's care team: the clinicians who may read and write their data.
CREATE TABLE care_team_members (
    patient_id   bigint NOT NULL REFERENCES users (id),
    clinician_id bigint NOT NULL REFERENCES users (id),
    added_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (patient_id, clinician_id)
);
CREATE INDEX care_team_members_clinician ON care_team_members (clinician_id);

-- Server-side sessions. Only the SHA-256 of the token is stored. A row is
-- kept for a while after it ends so the UI can say why it ended.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ip           text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT '',
    mfa_state    text NOT NULL CHECK (mfa_state IN ('mfa_required', 'enrollment_required', 'full')),
    ended_at     timestamptz,
    end_reason   text CHECK (end_reason IN ('signed_out', 'disabled', 'idle', 'expired'))
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_created ON sessions (created_at);

-- TOTP (RFC 6238) secrets, sealed with owner "user:<id>". confirmed_at is
-- null while enrollment is pending. last_step is the last accepted time
-- step: a code for any step <= it is a replay.
CREATE TABLE user_totp (
    user_id      bigint PRIMARY KEY REFERENCES users (id),
    secret       bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    confirmed_at timestamptz,
    last_step    bigint NOT NULL DEFAULT 0
);

-- Single-use recovery codes; only SHA-256 hashes are stored.
CREATE TABLE recovery_codes (
    user_id   bigint NOT NULL REFERENCES users (id),
    code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at   timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- One-time invitations to create a patient account; only the token's
-- SHA-256 is stored. A clinician's invitee joins that clinician's care team.
CREATE TABLE invitations (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    email        text NOT NULL,
    display_name text NOT NULL,
    invited_by   bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    user_id      bigint REFERENCES users (id)
);
CREATE INDEX invitations_expires ON invitations (expires_at);

-- Time-limited access to one patient's data outside the care team: crisis
-- escalations held by a counselor (kind chosen by the crisis package, ref =
-- its escalation id) and break-glass (kind 'breakglass', reason required).
CREATE TABLE access_grants (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    patient_id bigint NOT NULL REFERENCES users (id),
    kind       text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,31}$'),
    ref        text NOT NULL DEFAULT '' CHECK (length(ref) <= 200),
    reason     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    until      timestamptz NOT NULL,
    revoked_at timestamptz,
    CHECK (until > created_at)
);
CREATE INDEX access_grants_holder ON access_grants (user_id, patient_id) WHERE revoked_at IS NULL;
CREATE INDEX access_grants_ref ON access_grants (kind, ref) WHERE revoked_at IS NULL;
CREATE INDEX access_grants_patient ON access_grants (patient_id, kind, created_at);
