package store

// SetAuditWideRange lets the shared suite run the audit filters through both
// query plans on a handful of rows (see auditPlan). Test builds only.
func (s *Store) SetAuditWideRange(n int) { s.wideRange = n }
