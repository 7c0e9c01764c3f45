-- form_hash: the hash of the form as posted (without its CSRF token and form
-- key). A resend that cannot rebuild its parameters, because the record it
-- changed is gone (a coupon renamed by this very form), is compared on it,
-- so an edited resend is refused rather than answered "already saved".
ALTER TABLE idempotency ADD COLUMN form_hash TEXT NOT NULL DEFAULT '';
