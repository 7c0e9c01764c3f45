package handlers

import (
	"context"
	"errors"
	"testing"

	"backoffice/auth"
	"backoffice/config"
	"backoffice/store"
)

// roleStoreDown answers every role query with an error.
type roleStoreDown struct{ auth.RoleStore }

func (roleStoreDown) RoleByName(context.Context, string) (*store.Role, error) {
	return nil, errors.New("database is down")
}

// The guard resolves a custom role's grants once per request; when the
// store cannot answer, the request is refused rather than guessed at. A
// built-in role needs no query.
func TestViewerGrantsFromTheRoleBook(t *testing.T) {
	g := &guard{book: auth.NewRoleBook(roleStoreDown{}, nil), policy: config.TwoFactorAdmins}
	vis := &auth.Visit{User: &store.User{ID: 3, Role: "refunds-only"}, Session: &store.Session{}}
	if v, err := g.viewer(context.Background(), vis); err == nil || v != nil {
		t.Fatalf("a store error gave a viewer %+v", v)
	}
	vis.User.Role = "finance"
	v, err := g.viewer(context.Background(), vis)
	if err != nil || !v.Can(auth.PaymentsView) || v.Can(auth.SalesShip) || !v.Full {
		t.Fatalf("finance: %+v %v", v, err)
	}
	vis.User.Role = "admin"
	if v, _ := g.viewer(context.Background(), vis); v.Full {
		t.Error("an admin without a second factor is fully signed in")
	}
}
