-- Visits: clinicians' availability and visit types, appointments, and the
-- earlier-slot waitlist. Owned by portal/visits.
--
-- An appointment is an instant range (tstzrange, [start, end)) plus the IANA
-- zone of the clinician it was booked in; weekly rules and exceptions are
-- local wall times in the clinician's zone (visit_settings.zone).
-- Appointment times, types and modality are scheduling metadata and are kept
-- in plain; no free-text health information is stored here.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A clinician's scheduling zone. Rules and exceptions hang off this row.
CREATE TABLE visit_settings (
    clinician_id bigint PRIMARY KEY REFERENCES users (id),
    zone         text NOT NULL CHECK (length(zone) BETWEEN 1 AND 64),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Weekly availability: weekday 0 = Sunday … 6 = Saturday, local times.
CREATE TABLE visit_rules (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinician_id bigint NOT NULL REFERENCES visit_settings (clinician_id) ON DELETE CASCADE,
    weekday      smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    starts       time NOT NULL,
    ends         time NOT NULL,
    CHECK (ends > starts)
);
CREATE INDEX visit_rules_clinician ON visit_rules (clinician_id, weekday);

-- Dated exceptions: 'off' (the whole day when starts is null, else a local
-- range) and 'extra' hours.
CREATE TABLE visit_exceptions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinician_id bigint NOT NULL REFERENCES visit_settings (clinician_id) ON DELETE CASCADE,
    day          date NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('off', 'extra')),
    starts       time,
    ends         time,
    CHECK ((starts IS NULL) = (ends IS NULL)),
    CHECK (ends > starts),
    CHECK (kind = 'off' OR starts IS NOT NULL)
);
CREATE INDEX visit_exceptions_clinician ON visit_exceptions (clinician_id, day);

-- What a clinician offers: a named visit of a fixed length and modality.
-- Retired types stay for the appointments that use them.
CREATE TABLE visit_types (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinician_id bigint NOT NULL REFERENCES users (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    minutes      integer NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    modality     text NOT NULL CHECK (modality IN ('video', 'in_person')),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX visit_types_clinician ON visit_types (clinician_id) WHERE active;

-- Patients asking for an earlier slot with a clinician, starting before
-- "before". First in line (created_at, id) is offered a freed slot first.
CREATE TABLE visit_waitlist (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id    bigint NOT NULL REFERENCES users (id),
    clinician_id  bigint NOT NULL REFERENCES users (id),
    visit_type_id bigint NOT NULL REFERENCES visit_types (id),
    before        timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'booked', 'withdrawn')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX visit_waitlist_one ON visit_waitlist (patient_id, clinician_id) WHERE state = 'waiting';
CREATE INDEX visit_waitlist_line ON visit_waitlist (clinician_id, created_at, id) WHERE state = 'waiting';

-- Appointments, and waitlist offers (status 'held' until hold_until: the
-- slot is reserved for the offered patient). A booked or held row excludes
-- any other booked or held row of the same clinician, or of the same
-- patient, over an overlapping range: double booking is impossible even
-- under concurrent requests.
CREATE TABLE visit_appointments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id    bigint NOT NULL REFERENCES users (id),
    clinician_id  bigint NOT NULL REFERENCES users (id),
    visit_type_id bigint NOT NULL REFERENCES visit_types (id),
    during        tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
                                            AND NOT lower_inf(during) AND NOT upper_inf(during)),
    zone          text NOT NULL CHECK (length(zone) BETWEEN 1 AND 64),
    modality      text NOT NULL CHECK (modality IN ('video', 'in_person')),
    status        text NOT NULL CHECK (status IN ('booked', 'held', 'cancelled', 'lapsed')),
    hold_until    timestamptz,
    waitlist_id   bigint REFERENCES visit_waitlist (id),
    created_by    bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    cancelled_by  bigint,
    cancelled_at  timestamptz,
    CHECK (status <> 'held' OR (hold_until IS NOT NULL AND waitlist_id IS NOT NULL)),
    CONSTRAINT visit_appointments_clinician_free
        EXCLUDE USING gist (clinician_id WITH =, during WITH &&) WHERE (status IN ('booked', 'held')),
    CONSTRAINT visit_appointments_patient_free
        EXCLUDE USING gist (patient_id WITH =, during WITH &&) WHERE (status IN ('booked', 'held'))
);
CREATE INDEX visit_appointments_patient ON visit_appointments (patient_id, lower(during));
CREATE INDEX visit_appointments_holds ON visit_appointments (hold_until) WHERE status = 'held';
