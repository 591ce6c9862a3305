-- The audit log. Owned by portal/audit.
--
-- One row per read or write of health information and per security event.
-- No column holds health information: target names a thing ("conversation:42"),
-- never its content. No foreign keys: an audit row must outlive, and never
-- block, changes elsewhere, and may name ids that do not exist (a denied probe).
--
-- Rows are inserted with chain_pos and hash NULL (cheap, no shared lock); the
-- chainer later links committed rows in a total order, setting both once.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   bigint,
    actor_role text NOT NULL DEFAULT '' CHECK (length(actor_role) <= 32),
    action     text NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    patient_id bigint,
    target     text NOT NULL DEFAULT '' CHECK (length(target) <= 200),
    outcome    text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    client_ip  inet,
    user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 256),
    chain_pos  bigint UNIQUE CHECK (chain_pos > 0),
    hash       bytea CHECK (length(hash) = 32),
    CHECK ((chain_pos IS NULL) = (hash IS NULL))
);
CREATE INDEX audit_log_pending ON audit_log (id) WHERE chain_pos IS NULL;
CREATE INDEX audit_log_patient ON audit_log (patient_id, at DESC, id DESC) WHERE patient_id IS NOT NULL;

-- The head of the chain: the last linked position and its hash. Deleting the
-- newest chained rows leaves the head pointing past the end, which Verify sees.
CREATE TABLE audit_head (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    chain_pos  bigint NOT NULL CHECK (chain_pos >= 0),
    hash       bytea NOT NULL CHECK (length(hash) = 32),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO audit_head (chain_pos, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Append-only: rows are inserted unchained and stamped with the server's
-- time; the one permitted change to a row is the chainer's one-time setting
-- of chain_pos and hash; everything else raises. A superuser can disable
-- triggers, so this guards against mistakes and ordinary roles; the hash
-- chain is what detects a determined attacker.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.chain_pos IS NOT NULL OR NEW.hash IS NOT NULL THEN
            RAISE EXCEPTION 'audit_log rows are inserted unchained' USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.at := now(); -- always the server's time
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND OLD.chain_pos IS NULL AND OLD.hash IS NULL
       AND NEW.chain_pos IS NOT NULL AND NEW.hash IS NOT NULL
       AND to_jsonb(NEW) - 'chain_pos' - 'hash' = to_jsonb(OLD) - 'chain_pos' - 'hash' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE INSERT OR UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();

-- The head only moves forward and is never deleted.
CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain_pos > OLD.chain_pos AND NEW.singleton THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_head only moves forward (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_guard();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
