-- Video sessions: who may join a video visit or an ad hoc session, and a
-- summary of each once it ends. Owned by media.
--
-- Nothing here is media: no audio, video, screenshots or transcripts are
-- ever recorded. A summary holds times, roles and connection quality only.
-- Session ids are opaque random strings (they appear in page URLs).

CREATE TABLE video_sessions (
    id             text PRIMARY KEY CHECK (id ~ '^v[a-z2-7]{26}$'),
    kind           text NOT NULL CHECK (kind IN ('visit', 'adhoc')),
    appointment_id bigint REFERENCES visit_appointments (id),
    host_id        bigint NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL,
    opened_at      timestamptz,          -- the first time the room opened
    ended_at       timestamptz,          -- ended by the host, or closed idle
    end_reason     text CHECK (end_reason IN ('ended', 'idle')),
    duration_ms    bigint NOT NULL DEFAULT 0 CHECK (duration_ms >= 0), -- room open time, summed over restarts
    CHECK ((kind = 'visit') = (appointment_id IS NOT NULL)),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
-- One open session per video visit; a visit ended by mistake gets a new one.
CREATE UNIQUE INDEX video_sessions_open_visit ON video_sessions (appointment_id) WHERE ended_at IS NULL;
CREATE INDEX video_sessions_host ON video_sessions (host_id, created_at);

-- Who may join: the host (the clinician or counselor who runs it) and the
-- guests (patients).
CREATE TABLE video_session_members (
    session_id text NOT NULL REFERENCES video_sessions (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id),
    role       text NOT NULL CHECK (role IN ('host', 'guest')),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX video_session_members_user ON video_session_members (user_id);

-- Who was in the room, merged over rejoins and restarts: first join, last
-- leave, and connection quality (1 unusable … 5 excellent; 0 samples when
-- never measured).
CREATE TABLE video_session_participants (
    session_id      text NOT NULL REFERENCES video_sessions (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id),
    role            text NOT NULL CHECK (role IN ('host', 'guest')),
    joined_at       timestamptz NOT NULL,
    left_at         timestamptz,
    quality_min     smallint NOT NULL DEFAULT 0 CHECK (quality_min BETWEEN 0 AND 5),
    quality_avg     real NOT NULL DEFAULT 0 CHECK (quality_avg BETWEEN 0 AND 5),
    quality_samples integer NOT NULL DEFAULT 0 CHECK (quality_samples >= 0),
    PRIMARY KEY (session_id, user_id)
);
