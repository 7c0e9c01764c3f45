-- Shared phones on the warehouse floor (issue 12, item 4).
--
-- badges: a fulfilment user's badge for a quick sign-in. The badge code is
-- never stored: lookup is a keyed hash of it (HMAC-SHA256 under a key that
-- is not in the database), unique so a scan finds its owner, and pin_hash is
-- the argon2id hash of the PIN that goes with it. One badge per person.
CREATE TABLE badges (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    lookup     TEXT   COLLATE "C" NOT NULL UNIQUE,
    pin_hash   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- shifts: each person's current shift, so "shipped this shift" counts
-- across the several sign-ins of a day on shared phones. One row per
-- person, moved forward by every sign-in and parcel; a long enough pause
-- starts a new shift in place.
CREATE TABLE shifts (
    user_id      BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    started_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
