-- Accounts: people who sign in. Owned by portal/account.
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL,
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('patient', 'clinician', 'counselor', 'admin')),
    password_hash text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
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
