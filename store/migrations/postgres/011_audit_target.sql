-- The sale page's timeline lists the panel's own actions on a sale (issue
-- 11): audit entries by target, newest first, without reading the log.
CREATE INDEX audit_log_target_idx ON audit_log (target, id);
