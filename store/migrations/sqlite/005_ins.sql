-- Instant Notification Service (INS) messages, the sale state they imply,
-- the pick list, and a lease for background jobs shared by instances.
-- Times are unix microseconds UTC. A state column is a register written by
-- the newest message that says something about it, "newest" meaning the
-- greatest (message timestamp, message_id): its *_at and *_msg columns hold
-- that version, so a message arriving late never moves the state back.

-- Every accepted message, stored before the receiver answers 200. The
-- service's message_id is the key, so a repeat is stored once.
CREATE TABLE ins_messages (
    message_id      INTEGER PRIMARY KEY,
    message_type    TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    sale_id         TEXT    NOT NULL,
    invoice_id      TEXT    NOT NULL DEFAULT '',
    at              INTEGER NOT NULL, -- the message's own timestamp
    received_at     INTEGER NOT NULL,
    fraud_status    TEXT    NOT NULL DEFAULT '',
    ship_status     TEXT    NOT NULL DEFAULT '',
    invoice_status  TEXT    NOT NULL DEFAULT '',
    recurring       TEXT    NOT NULL DEFAULT '',
    tracking_number TEXT    NOT NULL DEFAULT '',
    amount          TEXT    NOT NULL DEFAULT '',
    currency        TEXT    NOT NULL DEFAULT '',
    -- What the dashboard counts: a new order, a parcel shipped, a refund.
    is_order        INTEGER NOT NULL DEFAULT 0 CHECK (is_order IN (0, 1)),
    is_shipped      INTEGER NOT NULL DEFAULT 0 CHECK (is_shipped IN (0, 1)),
    is_refund       INTEGER NOT NULL DEFAULT 0 CHECK (is_refund IN (0, 1)),
    -- The body exactly as received (form-encoded), for support and replays.
    params          TEXT    NOT NULL
);
CREATE INDEX ins_messages_sale_idx ON ins_messages (sale_id, at, message_id);
CREATE INDEX ins_messages_at_idx ON ins_messages (at);

CREATE TABLE ins_sales (
    sale_id          TEXT    PRIMARY KEY,
    fraud_status     TEXT    NOT NULL DEFAULT '', -- pass, fail, wait; '' = no message said
    fraud_at         INTEGER NOT NULL DEFAULT 0,
    fraud_msg        INTEGER NOT NULL DEFAULT 0,
    recurring_status TEXT    NOT NULL DEFAULT '',
    recurring_at     INTEGER NOT NULL DEFAULT 0,
    recurring_msg    INTEGER NOT NULL DEFAULT 0,
    customer         TEXT    NOT NULL DEFAULT '',
    last_at          INTEGER NOT NULL DEFAULT 0, -- version of the newest message
    last_msg         INTEGER NOT NULL DEFAULT 0,
    first_at         INTEGER NOT NULL
);

CREATE TABLE ins_invoices (
    invoice_id      TEXT    PRIMARY KEY,
    sale_id         TEXT    NOT NULL,
    tangible        INTEGER NOT NULL DEFAULT 0 CHECK (tangible IN (0, 1)),
    ship_status     TEXT    NOT NULL DEFAULT '',
    ship_at         INTEGER NOT NULL DEFAULT 0,
    ship_msg        INTEGER NOT NULL DEFAULT 0,
    invoice_status  TEXT    NOT NULL DEFAULT '',
    status_at       INTEGER NOT NULL DEFAULT 0,
    status_msg      INTEGER NOT NULL DEFAULT 0,
    tracking_number TEXT    NOT NULL DEFAULT '',
    tracking_at     INTEGER NOT NULL DEFAULT 0,
    tracking_msg    INTEGER NOT NULL DEFAULT 0,
    refunds         INTEGER NOT NULL DEFAULT 0,
    refunded_full   INTEGER NOT NULL DEFAULT 0 CHECK (refunded_full IN (0, 1)),
    placed_at       INTEGER NOT NULL -- earliest message about the invoice
);
CREATE INDEX ins_invoices_sale_idx ON ins_invoices (sale_id);

-- Counters for the settings page: accepted, duplicate, refused:<reason>.
CREATE TABLE ins_stats (
    name    TEXT    PRIMARY KEY,
    n       INTEGER NOT NULL,
    last_at INTEGER NOT NULL
);

-- The pick list: tangible invoices to pack. A row stays after it closes
-- (shipped, declined, refunded) so that a late or slower source cannot put
-- a shipped parcel back on the list.
CREATE TABLE pick_queue (
    invoice_id    TEXT    PRIMARY KEY,
    sale_id       TEXT    NOT NULL,
    customer      TEXT    NOT NULL DEFAULT '',
    destination   TEXT    NOT NULL DEFAULT '',
    items         TEXT    NOT NULL DEFAULT '', -- JSON array of strings, '' = none known
    placed_at     INTEGER NOT NULL,
    source        TEXT    NOT NULL, -- ins, reconciler
    updated_at    INTEGER NOT NULL,
    closed_at     INTEGER,          -- NULL while waiting to be packed
    closed_reason TEXT    NOT NULL DEFAULT '', -- shipped, declined, refunded
    closed_by     TEXT    NOT NULL DEFAULT ''  -- ins, reconciler, panel
);
CREATE INDEX pick_queue_open_idx ON pick_queue (placed_at, invoice_id) WHERE closed_at IS NULL;
CREATE INDEX pick_queue_closed_idx ON pick_queue (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX pick_queue_sale_idx ON pick_queue (sale_id);

-- How the pick list was last filled by a source other than INS.
CREATE TABLE pick_sync (
    source      TEXT    PRIMARY KEY,
    last_run_at INTEGER NOT NULL,
    last_ok_at  INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT ''
);

-- A job that one instance at a time should run holds its lease.
CREATE TABLE leases (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
