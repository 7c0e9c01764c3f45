package store

// SetAuditWideRange lets the shared suite run the audit filters through both
// query forms on a handful of rows and on both backends (see auditPlan).
// Test builds only.
func (s *Store) SetAuditWideRange(n int) {
	s.wideRange = n
	s.forcePlan = true
}
