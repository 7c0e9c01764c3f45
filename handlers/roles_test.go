package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// An admin makes a custom role "Refunds only" by ticking permissions; its
// holder can refund and cannot ship; an edit applies on their next click;
// a held role cannot be deleted, an unheld one can; built-in roles are
// read-only.
func TestCustomRoles(t *testing.T) {
	h := newHarness(t, withoutApprovals)
	fx := h.sb.SaleFixtures()
	admin, _ := h.signedInAs("admin")
	admin.get("/roles/new")
	if n := dom(admin.body).Find(`input[type="checkbox"][name="permissions"]`).Length(); n != 22 {
		t.Errorf("%d permission boxes, want 22", n)
	}
	if !strings.Contains(admin.body, "Refund sales (large refunds may still need approval)") {
		t.Error("permissions are not described in plain words")
	}
	// Mistakes come back next to their fields, with what was typed.
	resp := admin.post("/roles", url.Values{"label": {"Admin"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || fieldError(admin.body, "label") == "" ||
		!strings.Contains(dom(admin.body).Find("#f-permissions-err").Text(), "Tick at least one permission.") {
		t.Fatalf("bad role: %d label %q perms %q", resp.StatusCode, fieldError(admin.body, "label"), dom(admin.body).Find("#f-permissions-err").Text())
	}
	resp = admin.post("/roles", url.Values{"label": {"Refunds only"}, "description": {"Refunds, nothing else"},
		"permissions": {"sales.view", "sales.refund"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/roles/refunds-only" {
		t.Fatalf("create: %d %q %.300s", resp.StatusCode, resp.Header.Get("Location"), admin.body)
	}
	if len(auditRows(t, h, "roles.create")) != 1 {
		t.Error("no audit entry for the new role")
	}
	// The team page offers it, and takes it.
	admin.get("/users/new")
	if !strings.Contains(dom(admin.body).Find(`select[name="role"]`).Text(), "Refunds only") {
		t.Fatal("the team page does not offer the custom role")
	}
	resp = admin.post("/users", url.Values{"email": {"rae@example.com"}, "name": {"Rae Refunds"}, "role": {"refunds-only"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add a member with the custom role: %d %.300s", resp.StatusCode, admin.body)
	}
	if resp := admin.post("/users", url.Values{"email": {"x@example.com"}, "name": {"X"}, "role": {"refunds-maybe"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		fieldError(admin.body, "role") != "Choose one of the roles." {
		t.Errorf("unknown role: %d %q", resp.StatusCode, fieldError(admin.body, "role"))
	}
	admin.get("/users")
	if !strings.Contains(admin.body, "Refunds only") {
		t.Error("the team list does not name the custom role")
	}

	holder, u := h.signedInAsNamed("rae2@example.com", "refunds-only")
	sale := fx.Intangible
	holder.get("/sales/" + sale)
	if dom(holder.body).Find(`#refunds form[action="/sales/`+sale+`/refunds"]`).Length() == 0 {
		t.Fatalf("the holder is offered no refund: %q", dom(holder.body).Find("#refunds").Text())
	}
	holder.get("/sales/" + fx.TangibleOneInvoice)
	if dom(holder.body).Find(`form[action$="/ship"]`).Length() != 0 {
		t.Error("the holder is offered to ship")
	}
	if resp := holder.post("/sales/"+fx.TangibleOneInvoice+"/ship", url.Values{"confirm_tracking": {"1"}, "tracking": {"1Z999"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("shipping as the holder: %d", resp.StatusCode)
	}
	holder.get("/")
	if got := texts(holder.body, ".nav a"); strings.Join(got, ",") != "Sales" {
		t.Errorf("navigation %v, want only Sales", got)
	}
	if strings.Contains(holder.body, "Scan to ship") {
		t.Error("a home tile offers shipping")
	}
	holder.get("/me")
	if !strings.Contains(holder.body, "Refunds only") {
		t.Error("the holder's profile does not name their role")
	}

	// The edit applies on the holder's next click, without signing in again.
	resp = admin.post("/roles/refunds-only", url.Values{"label": {"Refunds only"}, "permissions": {"sales.view", "sales.comment"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %.300s", resp.StatusCode, admin.body)
	}
	holder.get("/sales/" + sale)
	if dom(holder.body).Find("#refunds").Length() != 0 || dom(holder.body).Find(`form[action$="/comments"]`).Length() != 1 {
		t.Error("the edit did not apply on the holder's next request")
	}
	if resp := holder.post("/sales/"+sale+"/refunds", url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("refunding after the permission was taken away: %d", resp.StatusCode)
	}

	// Held: deleting is refused with the message.
	admin.get("/roles/refunds-only/delete")
	action, f := confirmForm(t, admin.body)
	if resp := admin.post(action, f); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(topError(admin.body), "2 people have this role. Give them another role first, then delete it.") {
		t.Fatalf("deleting a held role: %d %q", resp.StatusCode, topError(admin.body))
	}
	for _, id := range []int64{u.ID, userID(t, h, "rae@example.com")} {
		admin.get("/users/" + itoa(id))
		admin.post("/users/"+itoa(id), url.Values{"name": {"Someone"}, "role": {"viewer"}})
	}
	admin.get("/roles/refunds-only/delete")
	action, f = confirmForm(t, admin.body)
	if resp := admin.post(action, f); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("deleting an unheld role: %d %q", resp.StatusCode, topError(admin.body))
	}
	if resp := admin.get("/roles/refunds-only"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted role: %d", resp.StatusCode)
	}
	if got := auditRows(t, h, "roles.delete"); len(got) != 2 {
		t.Errorf("audit: %d delete entries, want the refusal and the deletion", len(got))
	}

	// Built-in roles: shown, never changed.
	if resp := admin.get("/roles/finance"); resp.StatusCode != http.StatusOK || dom(admin.body).Find("main form").Length() != 0 ||
		!strings.Contains(admin.body, "cannot be changed or deleted") {
		t.Errorf("built-in role page: %d", resp.StatusCode)
	}
	if resp := admin.post("/roles/finance", url.Values{"label": {"Money"}, "permissions": {"sales.view"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("editing a built-in role: %d", resp.StatusCode)
	}
	if resp := admin.post("/roles/admin/delete", url.Values{}); resp.StatusCode != http.StatusConflict || !strings.Contains(topError(admin.body), "Built-in roles cannot be deleted.") {
		t.Errorf("deleting a built-in role: %d %q", resp.StatusCode, topError(admin.body))
	}
}

// A custom role that can manage the team gets the admins' second-factor
// rule (BACKOFFICE_REQUIRE_2FA=admins): its holder must enrol first.
func TestPrivilegedCustomRoleNeedsSecondFactor(t *testing.T) {
	h := newHarness(t)
	admin, _ := h.signedInAs("admin")
	if resp := admin.post("/roles", url.Values{"label": {"Team lead"}, "permissions": {"users.manage", "sales.view"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	u, pw, _ := h.addUser("lead@example.com", "team-lead", false)
	b := h.browser()
	b.get("/login")
	b.post("/login", url.Values{"email": {u.Email}, "password": {pw}})
	if resp := b.get("/users"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me/2fa" {
		t.Errorf("a privileged custom role without a second factor: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// signedInAsNamed creates a user with role and e-mail and signs them in.
func (h *harness) signedInAsNamed(email, role string) (*browser, *userRef) {
	h.t.Helper()
	u, pw, secret := h.addUser(email, role, false)
	b := h.browser()
	b.signIn(u.Email, pw, secret)
	return b, &userRef{ID: u.ID}
}

type userRef struct{ ID int64 }

func userID(t *testing.T, h *harness, email string) int64 {
	t.Helper()
	list, err := h.st.ListUsers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range list {
		if u.Email == email {
			return u.ID
		}
	}
	t.Fatalf("no user %s", email)
	return 0
}
