-- Custom roles and refund requests (issue 10), SQLite dialect.

-- Custom roles: the built-in roles live in code (auth) and are not stored.
-- users.role holds either a built-in role's name or one of these names;
-- there is no foreign key, so that the built-in names need no rows here.
-- Deleting a role that someone holds is refused by Store.DeleteRole, inside
-- one write transaction (SQLite has a single writer, so the check and the
-- delete cannot be separated by another write). permissions is a
-- space-separated list of permission names.
CREATE TABLE roles (
    name        TEXT    PRIMARY KEY,
    label       TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    permissions TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL DEFAULT 0,
    updated_by  INTEGER NOT NULL DEFAULT 0
);
-- Counting a role's holders (on delete, and on the roles page).
CREATE INDEX users_role_idx ON users (role);

-- Refunds made through the panel: requests waiting for a second person's
-- approval, and direct refunds by someone allowed to make them. Each row
-- carries its own idempotency key for the one API write it leads to, so
-- however many people click "Approve", the refund is sent once.
--
-- States: pending (waiting for a decision) -> sending (claimed by one
-- approver, or a direct refund; the API call is under way) -> approved (2Checkout
-- made the refund) | failed (2Checkout refused it) | unknown (no answer:
-- it may or may not have been made). A pending request can instead become
-- rejected (with a reason) or expired (after expires_at).
CREATE TABLE refund_requests (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The key of the form that created the row, so a double submission
    -- creates one request.
    form_key     TEXT    NOT NULL UNIQUE,
    -- The idempotency key of the eventual API write.
    idem_key     TEXT    NOT NULL UNIQUE,
    direct       INTEGER NOT NULL DEFAULT 0 CHECK (direct IN (0, 1)),
    requested_by INTEGER NOT NULL,
    requested_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    sale_id      TEXT    NOT NULL,
    invoice_id   TEXT    NOT NULL,
    -- '' for a refund of (part of) the invoice; a line item refund is whole.
    lineitem_id  TEXT    NOT NULL DEFAULT '',
    item         TEXT    NOT NULL DEFAULT '',
    customer     TEXT    NOT NULL DEFAULT '',
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    currency     TEXT    NOT NULL,
    category     INTEGER NOT NULL CHECK (category BETWEEN 1 AND 17 AND category <> 7),
    comment      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'approved', 'rejected', 'expired', 'failed', 'unknown')),
    decided_by   INTEGER NOT NULL DEFAULT 0,
    decided_at   INTEGER,
    reason       TEXT    NOT NULL DEFAULT '',
    outcome      TEXT    NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL,
    -- Four eyes, in the database too: nobody decides their own request; a
    -- direct refund is the one row its author "decides".
    CHECK ((direct = 1 AND decided_by = requested_by) OR (direct = 0 AND decided_by <> requested_by))
);
CREATE INDEX refund_requests_state_idx ON refund_requests (state, expires_at, id);
CREATE INDEX refund_requests_sale_idx ON refund_requests (sale_id, id);
CREATE INDEX refund_requests_requester_idx ON refund_requests (requested_by, id);
