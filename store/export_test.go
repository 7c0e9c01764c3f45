package store

import "context"

// SetAuditWideRange lets the shared suite run the audit filters through both
// query forms on a handful of rows and on both backends (see auditPlan).
// Test builds only.
func (s *Store) SetAuditWideRange(n int) {
	s.wideRange = n
	s.forcePlan = true
}

// ExecForTest runs one raw statement, so the shared suite can check what the
// schema itself refuses (the audit log's triggers) on both backends. Test
// builds only.
func (s *Store) ExecForTest(query string, args ...any) error {
	_, err := s.exec(context.Background(), s.db, query, args...)
	return err
}
