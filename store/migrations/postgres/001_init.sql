-- Initial schema, PostgreSQL dialect. Times are unix microseconds UTC
-- (BIGINT); NULL means "never" where a time is optional.
--
-- Columns that are sorted or range-scanned (email, action) use the "C"
-- collation: byte order, the same as SQLite's BINARY, so both backends list
-- in the same order and prefix searches can use a plain B-tree index.

-- Identity values are never reused: audit entries keep a user's ID after the
-- account is gone and must not point at someone else.
CREATE TABLE users (
    id                   BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email                TEXT    COLLATE "C" NOT NULL UNIQUE,
    name                 TEXT    NOT NULL DEFAULT '',
    role                 TEXT    NOT NULL,
    status               TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash        TEXT    NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret          TEXT    NOT NULL DEFAULT '',
    totp_enabled         BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step       BIGINT  NOT NULL DEFAULT 0,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL,
    last_login_at        BIGINT
);

CREATE TABLE recovery_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    UNIQUE (user_id, code_hash)
);

CREATE TABLE sessions (
    id                 TEXT    PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at         BIGINT  NOT NULL,
    last_seen_at       BIGINT  NOT NULL,
    revoked_at         BIGINT,
    second_factor_done BOOLEAN NOT NULL DEFAULT FALSE,
    ip                 TEXT    NOT NULL DEFAULT '',
    user_agent         TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

CREATE TABLE login_failures (
    id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT   NOT NULL,
    at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at_idx ON login_failures (key, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- No foreign key to users: the log must outlive the accounts it mentions.
CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         BIGINT NOT NULL,
    user_id    BIGINT NOT NULL DEFAULT 0,
    actor      TEXT   NOT NULL DEFAULT '',
    ip         TEXT   NOT NULL DEFAULT '',
    action     TEXT   COLLATE "C" NOT NULL,
    target     TEXT   NOT NULL DEFAULT '',
    params     TEXT   NOT NULL DEFAULT '',
    outcome    TEXT   NOT NULL DEFAULT '',
    detail     TEXT   NOT NULL DEFAULT '',
    request_id TEXT   NOT NULL DEFAULT ''
);
-- Pages are read newest first by id, so each filter's index ends in id.
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);

-- The panel never updates or deletes audit entries; the database refuses it
-- too, so a bug cannot quietly rewrite history. An operator with a retention
-- policy can still drop these triggers deliberately.
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE idempotency (
    key         TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL,
    action      TEXT   NOT NULL,
    params_hash TEXT   NOT NULL DEFAULT '',
    state       TEXT   NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'unknown')),
    result      TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX idempotency_created_idx ON idempotency (created_at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
