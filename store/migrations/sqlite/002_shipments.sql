-- Parcels marked shipped through the panel: the scan-to-ship screen lists a
-- person's shipments of the shift, and flags a tracking number already used
-- on another sale before anything is sent.
CREATE TABLE shipments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL,
    sale_id         TEXT    NOT NULL,
    invoice_id      TEXT    NOT NULL DEFAULT '',
    tracking_number TEXT    NOT NULL,
    customer        TEXT    NOT NULL DEFAULT '',
    at              INTEGER NOT NULL
);
CREATE INDEX shipments_tracking_idx ON shipments (tracking_number);
CREATE INDEX shipments_user_idx ON shipments (user_id, at);
