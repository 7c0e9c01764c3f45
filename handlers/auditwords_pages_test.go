package handlers_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"backoffice/config"
)

// TestAuditWordsOnEveryPage: the audit log, the home page and a member's
// page say what happened in words, with the raw values under Details, and
// times in the team's zone with the zone named; the CSV keeps the raw
// values and adds the words.
func TestAuditWordsOnEveryPage(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	h := newHarness(t, func(c *config.Config) { c.TimeZone = cet })
	admin, au := h.signedInAs("admin")
	carl, _, _ := h.addUser("carl@example.com", "fulfilment", false)
	if resp := admin.post("/users/"+itoa(carl.ID)+"/disable", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	said := au.Name + " disabled Fulfilment Person's account."
	when := h.clock.Now().In(cet).Format("2 Jan 2006 15:04") + " CET"

	admin.get("/audit")
	d := dom(admin.body)
	row := d.Find(`#audit-results tbody tr`).First()
	if got := strings.TrimSpace(row.Find(`.audit-sentence`).Text()); got != said {
		t.Errorf("audit log's newest entry says %q, want %q", got, said)
	}
	if got := strings.TrimSpace(row.Find(`td[data-label="When"]`).Text()); got != when {
		t.Errorf("audit time %q, want %q", got, when)
	}
	raw := row.Find(`details`).Text()
	if row.Find(`details > summary`).Text() != "Details" || !strings.Contains(raw, "users.disable") || !strings.Contains(raw, "user:"+itoa(carl.ID)) {
		t.Errorf("the raw values are not under Details: %q", raw)
	}

	admin.get("/")
	if got := texts(admin.body, `.audit-sentence`); len(got) == 0 || got[0] != said {
		t.Errorf("home page's recent actions: %q", got)
	}

	admin.get("/users/" + itoa(carl.ID))
	if got := texts(admin.body, `.audit-sentence`); len(got) == 0 || got[0] != said {
		t.Errorf("Carl's page does not say what was done to the account: %q", got)
	}
	if !strings.Contains(admin.body, when) {
		t.Errorf("member page shows no time in the team's zone (%s)", when)
	}

	admin.get("/audit?format=csv")
	recs, err := csv.NewReader(strings.NewReader(admin.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	if head[len(head)-1] != "in_words" || recs[1][5] != "users.disable" || recs[1][6] != "user:"+itoa(carl.ID) || recs[1][len(head)-1] != said {
		t.Errorf("CSV head %q, newest row %q", head, recs[1])
	}
}

// TestAuditFiltersSpeakTheTeamsLanguage: the action menu names actions in
// words, and a date filter means the team's day, not UTC's.
func TestAuditFiltersSpeakTheTeamsLanguage(t *testing.T) {
	hst := time.FixedZone("HST", -10*3600)
	h := newHarness(t, func(c *config.Config) { c.TimeZone = hst })
	admin, _ := h.signedInAs("admin")
	carl, _, _ := h.addUser("carl@example.com", "fulfilment", false)
	if resp := admin.post("/users/"+itoa(carl.ID)+"/disable", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	admin.get("/audit")
	if got := strings.TrimSpace(dom(admin.body).Find(`select[name="action"] option[value="users.disable"]`).Text()); got != "Team member disabled" {
		t.Errorf("action menu names users.disable %q", got)
	}
	// 09:00 UTC on 20 November is 23:00 on the 19th in Honolulu.
	local := h.clock.Now().In(hst).Format("2006-01-02")
	utc := h.clock.Now().UTC().Format("2006-01-02")
	if local == utc {
		t.Fatal("the test clock no longer straddles midnight between the zones")
	}
	admin.get("/audit?action=users.disable&from=" + local + "&to=" + local)
	if n := dom(admin.body).Find(`#audit-results tbody tr`).Length(); n != 1 {
		t.Errorf("the team's day %s lists %d disables, want 1", local, n)
	}
	admin.get("/audit?action=users.disable&from=" + utc + "&to=" + utc)
	if n := dom(admin.body).Find(`#audit-results tbody tr`).Length(); n != 0 {
		t.Errorf("the team's day %s lists %d disables made the day before, want 0", utc, n)
	}
}

// TestAPITimesInTheTeamsZone: the times 2Checkout writes (a sale placed, an
// invoice placed) read like every other time: in the team's zone, named.
func TestAPITimesInTheTeamsZone(t *testing.T) {
	hst := time.FixedZone("HST", -10*3600)
	h := newHarness(t, func(c *config.Config) { c.TimeZone = hst })
	admin, _ := h.signedInAs("admin")
	id := h.sb.SaleFixtures().TangibleTwoInvoices
	sale := saleOf(t, h, id)
	placed, err := time.ParseInLocation("2006-01-02 15:04:05", sale.DatePlaced.Value, time.UTC)
	if err != nil {
		t.Fatalf("the sandbox's sale time %q: %v", sale.DatePlaced.Value, err)
	}
	want := placed.In(hst).Format("2 Jan 2006 15:04") + " HST"
	for _, page := range []string{"/sales/" + id, "/sales/" + id + "/slip", "/ship?sale=" + id} {
		admin.get(page)
		if !strings.Contains(admin.body, want) {
			t.Errorf("%s does not show the sale's time as %q", page, want)
		}
		if strings.Contains(admin.body, sale.DatePlaced.Value) {
			t.Errorf("%s shows 2Checkout's raw time %q", page, sale.DatePlaced.Value)
		}
	}
}
