-- Custom roles and refund requests (issue 10), PostgreSQL dialect.

-- Custom roles: the built-in roles live in code (auth) and are not stored.
-- users.role holds either a built-in role's name or one of these names;
-- there is no foreign key, so that the built-in names need no rows here.
-- Deleting a role that someone holds is refused by Store.DeleteRole, which
-- locks users against writes (SHARE mode) for the few microseconds between
-- counting the holders and deleting, so a role cannot be given to someone
-- in between, from this instance or another. permissions is a
-- space-separated list of permission names.
CREATE TABLE roles (
    name        TEXT   COLLATE "C" PRIMARY KEY,
    label       TEXT   NOT NULL,
    description TEXT   NOT NULL DEFAULT '',
    permissions TEXT   NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    created_by  BIGINT NOT NULL DEFAULT 0,
    updated_by  BIGINT NOT NULL DEFAULT 0
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
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The key of the form that created the row, so a double submission
    -- creates one request.
    form_key     TEXT    NOT NULL UNIQUE,
    -- The idempotency key of the eventual API write.
    idem_key     TEXT    NOT NULL UNIQUE,
    direct       BOOLEAN NOT NULL DEFAULT FALSE,
    requested_by BIGINT  NOT NULL,
    requested_at BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    sale_id      TEXT    NOT NULL,
    invoice_id   TEXT    NOT NULL,
    -- '' for a refund of (part of) the invoice; a line item refund is whole.
    lineitem_id  TEXT    NOT NULL DEFAULT '',
    item         TEXT    NOT NULL DEFAULT '',
    customer     TEXT    NOT NULL DEFAULT '',
    amount_cents BIGINT  NOT NULL CHECK (amount_cents > 0),
    currency     TEXT    NOT NULL,
    category     INTEGER NOT NULL CHECK (category BETWEEN 1 AND 17 AND category <> 7),
    comment      TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'approved', 'rejected', 'expired', 'failed', 'unknown')),
    decided_by   BIGINT  NOT NULL DEFAULT 0,
    decided_at   BIGINT,
    reason       TEXT    NOT NULL DEFAULT '',
    outcome      TEXT    NOT NULL DEFAULT '',
    updated_at   BIGINT  NOT NULL,
    -- Four eyes, in the database too: nobody decides their own request; a
    -- direct refund is the one row its author "decides".
    CHECK ((direct AND decided_by = requested_by) OR (NOT direct AND decided_by <> requested_by))
);
CREATE INDEX refund_requests_state_idx ON refund_requests (state, expires_at, id);
CREATE INDEX refund_requests_sale_idx ON refund_requests (sale_id, id);
CREATE INDEX refund_requests_requester_idx ON refund_requests (requested_by, id);
