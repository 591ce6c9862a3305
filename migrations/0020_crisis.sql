-- Crisis escalations, on-call roster and shifts. Owned by crisis.
-- No table here holds message text: triggers are references
-- ("message:<conv>:<seq>", "rule:N002@v1"), locations are sealed.

-- Per-counselor on-call switch and supervisor flag (tier 2).
CREATE TABLE crisis_roster (
    user_id    bigint PRIMARY KEY REFERENCES users (id),
    switch     text NOT NULL DEFAULT 'shift' CHECK (switch IN ('shift', 'on', 'off')),
    supervisor boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Scheduled on-call shifts; a supervisor shift makes its holder tier 2.
CREATE TABLE crisis_shifts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    supervisor boolean NOT NULL DEFAULT false,
    CHECK (ends_at > starts_at)
);
CREATE INDEX crisis_shifts_ends ON crisis_shifts (ends_at, starts_at);

-- One row per escalation. severity: 1 low, 2 medium, 3 high. due_at is the
-- next time the deadline driver must act (offer a raised row, re-route or
-- re-alert an unclaimed one); NULL once claimed.
CREATE TABLE crisis_escalations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id       bigint NOT NULL REFERENCES users (id),
    severity         smallint NOT NULL CHECK (severity BETWEEN 1 AND 3),
    source           text NOT NULL CHECK (source IN ('button', 'message', 'measure', 'clinician')),
    trigger_ref      text NOT NULL,
    raised_by        bigint REFERENCES users (id),
    state            text NOT NULL CHECK (state IN ('raised', 'offered', 'claimed', 'in_conversation',
                                                    'resolved', 'rerouted', 'expired')),
    tier             smallint NOT NULL DEFAULT 1 CHECK (tier BETWEEN 1 AND 3),
    due_at           timestamptz,
    triggers         int NOT NULL DEFAULT 1,
    counselor_id     bigint REFERENCES users (id),
    conversation_ref text,
    disposition      text CHECK (disposition IN ('de_escalated', 'safety_plan', 'care_team_followup',
                                                 'referred_988', 'emergency_advised', 'no_contact', 'not_a_crisis')),
    location_sealed  bytea,
    location_at      timestamptz,
    raised_at        timestamptz NOT NULL DEFAULT now(),
    offered_at       timestamptz,
    claimed_at       timestamptz,
    resolved_at      timestamptz,
    CHECK ((state IN ('claimed', 'in_conversation', 'resolved')) = (counselor_id IS NOT NULL)),
    CHECK ((state = 'resolved') = (disposition IS NOT NULL))
);
-- At most one open escalation per patient: a second trigger attaches to it.
CREATE UNIQUE INDEX crisis_escalations_open ON crisis_escalations (patient_id) WHERE state <> 'resolved';
CREATE INDEX crisis_escalations_due ON crisis_escalations (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX crisis_escalations_queue ON crisis_escalations (severity DESC, raised_at) WHERE state <> 'resolved';

-- Who an escalation was offered to, at which tier: only they may claim it.
CREATE TABLE crisis_offers (
    escalation_id bigint NOT NULL REFERENCES crisis_escalations (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    tier          smallint NOT NULL,
    offered_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (escalation_id, user_id)
);

-- Every transition, timestamped. deadline is the due time that triggered a
-- driver transition, so lateness is at - deadline.
CREATE TABLE crisis_events (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    escalation_id bigint NOT NULL REFERENCES crisis_escalations (id),
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind          text NOT NULL,
    from_state    text,
    to_state      text NOT NULL,
    tier          smallint NOT NULL,
    actor_id      bigint REFERENCES users (id),
    source        text,
    trigger_ref   text,
    deadline      timestamptz,
    recipients    int
);
CREATE INDEX crisis_events_escalation ON crisis_events (escalation_id, id);

-- Follow-up tasks set at resolution; kinds are a fixed list, no free text.
CREATE TABLE crisis_followups (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    escalation_id bigint NOT NULL REFERENCES crisis_escalations (id),
    kind          text NOT NULL CHECK (kind IN ('call_back', 'care_team_review', 'safety_plan_update', 'appointment')),
    assignee_id   bigint NOT NULL REFERENCES users (id),
    due_at        timestamptz NOT NULL,
    done_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crisis_followups_assignee ON crisis_followups (assignee_id, due_at) WHERE done_at IS NULL;
