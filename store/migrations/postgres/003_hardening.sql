-- Issue 9, PostgreSQL dialect: throttles that hold under concurrency, writes
-- whose audit entry survives a crash, and bounded audit rows under a flood.

-- Every attempt that claimed a throttle slot, whatever the scope (sign-in,
-- second factor, step-up). A successful attempt deletes its row again; a
-- failed or abandoned one stays until it leaves the window. This replaces
-- login_failures: its rows move over with their keys unchanged, so a lock in
-- force at the upgrade stays in force.
CREATE TABLE throttle_attempts (
    id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX throttle_attempts_key_at_idx ON throttle_attempts (key, at);
CREATE INDEX throttle_attempts_at_idx ON throttle_attempts (at);
INSERT INTO throttle_attempts (key, at) SELECT key, at FROM login_failures;
DROP TABLE login_failures;

-- One row per throttle key, locked (INSERT ... ON CONFLICT DO UPDATE takes
-- the row lock) by every claim before it counts, so concurrent claims on a
-- key, from any instance, check and count one after the other. A row lock
-- rather than an advisory lock: keys are text, and hashing them to advisory
-- keys would make unrelated keys wait on each other or deadlock when taken
-- in different orders. touched_at lets housekeeping remove idle keys.
CREATE TABLE throttle_locks (
    key        TEXT   PRIMARY KEY,
    touched_at BIGINT NOT NULL
);
CREATE INDEX throttle_locks_touched_idx ON throttle_locks (touched_at);

-- An upstream write is logged before it is sent, with outcome 'sent', and
-- completed once its answer is in (or by recovery at start-up, as
-- 'unknown'). That one transition is the only change the log accepts: from
-- 'sent' to a final outcome, setting completed_at and the detail, nothing
-- else. A completed entry, like every other, can never change again.
ALTER TABLE audit_log ADD COLUMN completed_at BIGINT;
DROP TRIGGER audit_log_no_update_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE FUNCTION audit_log_complete_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.outcome = 'sent' AND NEW.outcome IN ('ok', 'failed', 'unknown')
        AND OLD.completed_at IS NULL AND NEW.completed_at IS NOT NULL
        AND (NEW.id, NEW.at, NEW.user_id, NEW.actor, NEW.ip, NEW.action, NEW.target, NEW.params, NEW.request_id)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.at, OLD.user_id, OLD.actor, OLD.ip, OLD.action, OLD.target, OLD.params, OLD.request_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_complete_only();

-- The audit entry a write began with, so completion and recovery find it
-- (0: none, for records written before this migration).
ALTER TABLE idempotency ADD COLUMN audit_id BIGINT NOT NULL DEFAULT 0;
-- Recovery looks for old pending records; they are few among a day's keys.
CREATE INDEX idempotency_pending_idx ON idempotency (created_at) WHERE state = 'pending';

-- Events counted per minute for actions an anonymous flood could repeat
-- (refused sign-ins, 403s): only the first few of each minute become audit
-- entries, the rest are counted here and rolled up into one summary entry
-- per action and minute. key '' holds the action's total for the minute.
CREATE TABLE audit_counts (
    action  TEXT   COLLATE "C" NOT NULL,
    key     TEXT   COLLATE "C" NOT NULL,
    minute  BIGINT NOT NULL,
    seen    BIGINT NOT NULL,
    written BIGINT NOT NULL,
    PRIMARY KEY (action, minute, key)
);
CREATE INDEX audit_counts_minute_idx ON audit_counts (minute);
