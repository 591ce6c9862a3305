-- Web push: the VAPID key pair, push subscriptions, notification
-- preferences, reminders and their deliveries. Owned by push.

-- The application server key pair: one row. The private key is sealed
-- (owner "push:vapid"); the public key is public.
CREATE TABLE push_vapid_keys (
    id             smallint PRIMARY KEY CHECK (id = 1),
    public_key     bytea NOT NULL CHECK (length(public_key) = 65),
    sealed_private bytea NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- A browser's push subscription. The endpoint is allow-listed before it is
-- stored. p256dh and auth are stored in plain: they are not health
-- information and send nothing without the VAPID private key.
CREATE TABLE push_subscriptions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint     text NOT NULL UNIQUE CHECK (length(endpoint) <= 2048),
    p256dh       bytea NOT NULL CHECK (length(p256dh) = 65),
    auth         bytea NOT NULL CHECK (length(auth) = 16),
    label        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id, last_seen_at);

-- Quiet hours (local wall clock in zone; may wrap midnight) and opted-out kinds.
CREATE TABLE push_preferences (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    quiet_start text CHECK (quiet_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    quiet_end   text CHECK (quiet_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    zone        text NOT NULL DEFAULT '',
    opted_out   text[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

-- Daily medication reminder times. generation changes on every change, so
-- a reminder of an older schedule does not schedule a successor.
CREATE TABLE push_med_schedules (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    med_id     bigint NOT NULL,
    times      text[] NOT NULL,
    zone       text NOT NULL,
    generation integer NOT NULL DEFAULT 1,
    active     boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, med_id)
);

-- One notification to one user, delivered by a River job
-- (kind haven.push.reminder). ref is the id of what it is about
-- (appointment, medication, questionnaire, conversation, escalation).
-- wall/zone record the local time it was scheduled from.
CREATE TABLE push_reminders (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('message', 'appointment', 'medication', 'questionnaire', 'crisis_alert')),
    ref            bigint NOT NULL,
    generation     integer NOT NULL DEFAULT 0,
    due_at         timestamptz NOT NULL,
    relevant_until timestamptz NOT NULL,
    wall           timestamp,
    zone           text,
    state          text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'sent', 'dropped', 'cancelled')),
    reason         text,
    retries        integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    done_at        timestamptz
);
-- A reminder is scheduled once: re-running a job that schedules its
-- successor, or scheduling the same thing twice, inserts nothing.
CREATE UNIQUE INDEX push_reminders_once ON push_reminders (user_id, kind, ref, due_at) WHERE state <> 'cancelled';
CREATE INDEX push_reminders_pending ON push_reminders (kind, ref) WHERE state = 'scheduled';

-- Debounce of unread-message notices: a row means the user has been told
-- about the conversation and has not read it since.
CREATE TABLE push_message_notices (
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, conversation_id)
);

-- At most once per device: the row is committed as 'attempting' before the
-- post. 'retry' rows are posted again; 'attempting' rows left by a crash
-- are not. No foreign key to push_subscriptions: the record outlives a
-- subscription deleted after 404/410.
CREATE TABLE push_deliveries (
    reminder_id     bigint NOT NULL REFERENCES push_reminders (id) ON DELETE CASCADE,
    subscription_id bigint NOT NULL,
    state           text NOT NULL CHECK (state IN ('attempting', 'sent', 'retry', 'gone', 'failed')),
    status          integer,
    attempts        integer NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (reminder_id, subscription_id)
);
