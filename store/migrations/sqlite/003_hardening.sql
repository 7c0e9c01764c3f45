-- Issue 9, SQLite dialect: throttles that hold under concurrency, writes
-- whose audit entry survives a crash, and bounded audit rows under a flood.

-- Every attempt that claimed a throttle slot, whatever the scope (sign-in,
-- second factor, step-up). A claim checks the count and inserts its row in
-- one transaction; SQLite runs one writer at a time (the store begins every
-- transaction IMMEDIATE), so the check and the count cannot interleave, even
-- across processes sharing the file. A successful attempt deletes its row
-- again; a failed or abandoned one stays until it leaves the window. This
-- replaces login_failures: its rows move over with their keys unchanged, so
-- a lock in force at the upgrade stays in force.
CREATE TABLE throttle_attempts (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX throttle_attempts_key_at_idx ON throttle_attempts (key, at);
CREATE INDEX throttle_attempts_at_idx ON throttle_attempts (at);
INSERT INTO throttle_attempts (key, at) SELECT key, at FROM login_failures;
DROP TABLE login_failures;

-- An upstream write is logged before it is sent, with outcome 'sent', and
-- completed once its answer is in (or by recovery at start-up, as
-- 'unknown'). That one transition is the only change the log accepts: from
-- 'sent' to a final outcome, setting completed_at and the detail, nothing
-- else. A completed entry, like every other, can never change again.
ALTER TABLE audit_log ADD COLUMN completed_at INTEGER;
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.outcome = 'sent' AND NEW.outcome IN ('ok', 'failed', 'unknown')
    AND OLD.completed_at IS NULL AND NEW.completed_at IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.user_id IS OLD.user_id
    AND NEW.actor IS OLD.actor AND NEW.ip IS OLD.ip AND NEW.action IS OLD.action
    AND NEW.target IS OLD.target AND NEW.params IS OLD.params AND NEW.request_id IS OLD.request_id
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The audit entry a write began with, so completion and recovery find it
-- (0: none, for records written before this migration).
ALTER TABLE idempotency ADD COLUMN audit_id INTEGER NOT NULL DEFAULT 0;
-- Recovery looks for old pending records; they are few among a day's keys.
CREATE INDEX idempotency_pending_idx ON idempotency (created_at) WHERE state = 'pending';

-- Events counted per minute for actions an anonymous flood could repeat
-- (refused sign-ins, 403s): only the first few of each minute become audit
-- entries, the rest are counted here and rolled up into one summary entry
-- per action and minute. key '' holds the action's total for the minute.
CREATE TABLE audit_counts (
    action  TEXT    NOT NULL,
    key     TEXT    NOT NULL,
    minute  INTEGER NOT NULL,
    seen    INTEGER NOT NULL,
    written INTEGER NOT NULL,
    PRIMARY KEY (action, minute, key)
);
CREATE INDEX audit_counts_minute_idx ON audit_counts (minute);
