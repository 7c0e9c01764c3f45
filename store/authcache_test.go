package store

import (
	"context"
	"testing"
	"time"
)

// TestAuthCacheSeesChangesAtOnce: sessions and users read within the
// cache's second still show every change made through the store at once,
// and what a caller does to a read copy never reaches the next reader.
func TestAuthCacheSeesChangesAtOnce(t *testing.T) {
	s := openSQLiteForTest(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	u := &User{Email: "ana@example.com", Role: "support", Status: "active", CreatedAt: now, UpdatedAt: now}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2"} {
		if err := s.CreateSession(ctx, &Session{ID: id, UserID: u.ID, CreatedAt: now, LastSeenAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(id string) *Session {
		t.Helper()
		ss, err := s.SessionByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	read("s1").UserID = 999 // a caller changing its copy
	if got := read("s1").UserID; got != u.ID {
		t.Fatalf("cached session changed by a caller: user %d", got)
	}
	if err := s.TouchSession(ctx, "s1", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := read("s1").LastSeenAt; !got.Equal(now.Add(time.Minute)) {
		t.Errorf("touched session still last seen %v", got)
	}
	if err := s.RevokeSession(ctx, "s1", now); err != nil {
		t.Fatal(err)
	}
	if read("s1").RevokedAt.IsZero() {
		t.Error("a revoked session read as live")
	}
	read("s2")
	if _, err := s.RevokeUserSessions(ctx, u.ID, "", now); err != nil {
		t.Fatal(err)
	}
	if read("s2").RevokedAt.IsZero() {
		t.Error("a session of a signed-out user read as live")
	}

	if _, err := s.UserByID(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	u.Status, u.Role = "disabled", "viewer"
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "disabled" || got.Role != "viewer" {
		t.Errorf("user read as %s %s after the change, want disabled viewer", got.Status, got.Role)
	}
}
