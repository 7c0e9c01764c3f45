-- method: how the session was signed in, 'password' (e-mail and password,
-- then the second factor when due) or 'badge' (a fulfilment user's badge and
-- PIN on a shared phone, issue 12 item 4). Badge sessions end after their
-- own, shorter idle time (BACKOFFICE_BADGE_IDLE). Sessions from before this
-- migration were all password sign-ins.
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password'
    CHECK (method IN ('password', 'badge'));
