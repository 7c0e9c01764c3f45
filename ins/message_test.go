package ins

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

// field is one parameter in the order the service sends it.
type field struct{ k, v string }

// example is the ORDER_CREATED of ins.md, with the shipping address its "…"
// leaves out filled in: 56 keys (its key_count says 59; the documentation
// does not show the other three).
func example() []field {
	return []field{
		{"message_type", "ORDER_CREATED"}, {"message_description", "New order created"},
		{"timestamp", "2012-02-11 14:36:06 EST"}, {"md5_hash", ""}, {"message_id", "4"}, {"key_count", "59"},
		{"vendor_id", "1817037"}, {"sale_id", "4632527484"}, {"sale_date_placed", "2012-02-11"},
		{"vendor_order_id", ""}, {"invoice_id", "4632527490"}, {"recurring", "1"}, {"payment_type", "credit card"},
		{"list_currency", "USD"}, {"cust_currency", "GBP"}, {"auth_exp", "2012-02-18"},
		{"invoice_status", "approved"}, {"fraud_status", "pass"}, {"invoice_list_amount", "2.00"},
		{"invoice_usd_amount", "3.04"}, {"invoice_cust_amount", "2.00"}, {"customer_first_name", "Testing"},
		{"customer_last_name", "Tester"}, {"customer_name", "Testing Tester"}, {"customer_email", "no-reply@2co.com"},
		{"customer_phone", "6149212450"}, {"customer_ip", "192.168.2.250"}, {"customer_ip_country", "Unknown"},
		{"bill_street_address", "855 Grandview Avenue"}, {"bill_street_address2", "Suite 11"},
		{"bill_city", "Columbus"}, {"bill_state", "OH"}, {"bill_postal_code", "43215"}, {"bill_country", "USA"},
		{"ship_status", ""}, {"ship_tracking_number", ""}, {"ship_name", ""}, {"ship_street_address", ""},
		{"ship_street_address2", ""}, {"ship_city", ""}, {"ship_state", ""}, {"ship_postal_code", ""},
		{"ship_country", ""}, {"item_count", "1"}, {"item_name_1", "test recurring product"},
		{"item_id_1", "test recurring product"}, {"item_list_amount_1", "2.00"}, {"item_usd_amount_1", "3.04"},
		{"item_cust_amount_1", "2.00"}, {"item_type_1", "bill"}, {"item_duration_1", "Forever"},
		{"item_recurrence_1", "1 Week"}, {"item_rec_list_amount_1", "1.00"}, {"item_rec_status_1", "live"},
		{"item_rec_date_next_1", "2012-02-18"}, {"item_rec_install_billed_1", "1"},
	}
}

// encode form-encodes fields in order, as the service does (spaces as +).
func encode(fs []field) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.k) + "=" + url.QueryEscape(f.v))
	}
	return b.String()
}

// set returns fs with k set to v (appended when absent).
func set(fs []field, k, v string) []field {
	out := append([]field(nil), fs...)
	for i := range out {
		if out[i].k == k {
			out[i].v = v
			return out
		}
	}
	return append(out, field{k, v})
}

func without(fs []field, k string) []field {
	var out []field
	for _, f := range fs {
		if f.k != k {
			out = append(out, f)
		}
	}
	return out
}

func TestParseExample(t *testing.T) {
	fs := set(example(), "md5_hash", "C3A4585F61961F700BE0179FABAA5ED1")
	if len(fs) != 56 {
		t.Fatalf("example has %d keys; want 56", len(fs))
	}
	m, err := Parse([]byte(encode(fs)))
	if err != nil {
		t.Fatal(err)
	}
	eastern, _ := time.LoadLocation("America/New_York")
	checks := []struct{ name, got, want string }{
		{"Type", m.Type, "ORDER_CREATED"},
		{"Description", m.Description, "New order created"},
		{"MD5Hash", m.MD5Hash, "C3A4585F61961F700BE0179FABAA5ED1"},
		{"VendorID", m.VendorID, "1817037"},
		{"SaleID", m.SaleID, "4632527484"},
		{"SaleDatePlaced", m.SaleDatePlaced, "2012-02-11"},
		{"VendorOrderID", m.VendorOrderID, ""},
		{"InvoiceID", m.InvoiceID, "4632527490"},
		{"PaymentType", m.PaymentType, "credit card"},
		{"ListCurrency", m.ListCurrency, "USD"},
		{"CustCurrency", m.CustCurrency, "GBP"},
		{"AuthExp", m.AuthExp, "2012-02-18"},
		{"InvoiceStatus", m.InvoiceStatus, "approved"},
		{"FraudStatus", m.FraudStatus, "pass"},
		{"InvoiceListAmount", m.InvoiceListAmount, "2.00"},
		{"InvoiceUSDAmount", m.InvoiceUSDAmount, "3.04"},
		{"InvoiceCustAmount", m.InvoiceCustAmount, "2.00"},
		{"CustomerFirstName", m.CustomerFirstName, "Testing"},
		{"CustomerLastName", m.CustomerLastName, "Tester"},
		{"CustomerName", m.CustomerName, "Testing Tester"},
		{"CustomerEmail", m.CustomerEmail, "no-reply@2co.com"},
		{"CustomerPhone", m.CustomerPhone, "6149212450"},
		{"CustomerIP", m.CustomerIP, "192.168.2.250"},
		{"CustomerIPCountry", m.CustomerIPCountry, "Unknown"},
		{"Bill.Street", m.Bill.Street, "855 Grandview Avenue"},
		{"Bill.Street2", m.Bill.Street2, "Suite 11"},
		{"Bill.City", m.Bill.City, "Columbus"},
		{"Bill.State", m.Bill.State, "OH"},
		{"Bill.PostalCode", m.Bill.PostalCode, "43215"},
		{"Bill.Country", m.Bill.Country, "USA"},
		{"ShipStatus", m.ShipStatus, ""},
		{"ShipTrackingNumber", m.ShipTrackingNumber, ""},
		{"ShipName", m.ShipName, ""},
		{"Ship.City", m.Ship.City, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q; want %q", c.name, c.got, c.want)
		}
	}
	if m.ID != 4 || m.KeyCount != 59 || !m.Recurring {
		t.Errorf("ID %d, KeyCount %d, Recurring %v; want 4, 59, true", m.ID, m.KeyCount, m.Recurring)
	}
	if want := time.Date(2012, 2, 11, 14, 36, 6, 0, eastern); !m.Timestamp.Equal(want) || m.Timestamp.Location().String() != "America/New_York" {
		t.Errorf("Timestamp = %v; want %v", m.Timestamp, want)
	}
	if want := time.Date(2012, 2, 11, 19, 36, 6, 0, time.UTC); !m.Timestamp.Equal(want) {
		t.Errorf("Timestamp = %v UTC; want %v", m.Timestamp.UTC(), want)
	}
	want := Item{Name: "test recurring product", ID: "test recurring product", ListAmount: "2.00", USDAmount: "3.04",
		CustAmount: "2.00", Type: "bill", Duration: "Forever", Recurrence: "1 Week", RecListAmount: "1.00",
		RecStatus: "live", RecDateNext: "2012-02-18", RecInstallBilled: "1"}
	if len(m.Items) != 1 || m.Items[0] != want {
		t.Errorf("Items = %+v; want [%+v]", m.Items, want)
	}
	if m.Params["bill_street_address"] != "855 Grandview Avenue" || len(m.Params) != len(fs) || m.Raw != encode(fs) {
		t.Errorf("Params/Raw not kept as received: %d params", len(m.Params))
	}
}

func TestParseItemsAndEncodings(t *testing.T) {
	fs := set(example(), "item_count", "2")
	fs = append(fs, field{"item_name_2", "Brass ring & chain"}, field{"item_type_2", "refund"},
		field{"item_list_amount_2", "-1.50"}, field{"extra_new_param", "kept"})
	// %20 for spaces and lower-case escapes are as valid as +.
	body := strings.ReplaceAll(encode(fs), "+", "%20") + "&"
	m, err := Parse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Items) != 2 || m.Items[1].Name != "Brass ring & chain" || m.Items[1].Type != "refund" || m.Items[1].ListAmount != "-1.50" {
		t.Errorf("Items = %+v", m.Items)
	}
	if m.Params["extra_new_param"] != "kept" || m.PaymentType != "credit card" {
		t.Errorf("unknown parameter or %%20 space lost: %q, %q", m.Params["extra_new_param"], m.PaymentType)
	}
	// Without item_count the highest numbered set counts.
	m, err = Parse([]byte(encode(without(fs, "item_count"))))
	if err != nil || len(m.Items) != 2 {
		t.Fatalf("without item_count: %v items, %v; want 2", len(m.Items), err)
	}
	// An intangible order without items.
	m, err = Parse([]byte(encode(set(without(without(example(), "item_count"), "item_name_1"), "item_count", "0"))))
	if err != nil || len(m.Items) != 0 {
		t.Fatalf("item_count=0: %d items, %v", len(m.Items), err)
	}
}

func TestParseRefusesBrokenBodies(t *testing.T) {
	good := encode(example())
	cases := []struct {
		name   string
		body   string
		reason Reason
	}{
		{"invalid percent-encoding", good + "&customer_name=100%zz", ReasonMalformed},
		{"truncated percent-encoding", good + "&note=%", ReasonMalformed},
		{"percent-encoding in a name", "message%zztype=ORDER_CREATED&" + good, ReasonMalformed},
		{"raw invalid UTF-8", good + "&note=caf\xe9", ReasonMalformed},
		{"encoded invalid UTF-8", good + "&note=caf%E9", ReasonMalformed},
		{"overlong UTF-8", good + "&note=%C0%AF", ReasonMalformed},
		{"NUL byte", good + "&note=a%00b", ReasonMalformed},
		{"control character", good + "&note=a%1Bb", ReasonMalformed},
		{"parameter sent twice", good + "&sale_id=1", ReasonMalformed},
		{"odd parameter name", good + "&na%20me=x", ReasonMalformed},
		{"no message_type", encode(without(example(), "message_type")), ReasonMalformed},
		{"message_type not a type", encode(set(example(), "message_type", "<b>")), ReasonMalformed},
		{"no message_id", encode(without(example(), "message_id")), ReasonMalformed},
		{"message_id not a number", encode(set(example(), "message_id", "4x")), ReasonMalformed},
		{"message_id zero", encode(set(example(), "message_id", "0")), ReasonMalformed},
		{"no timestamp", encode(without(example(), "timestamp")), ReasonMalformed},
		{"timestamp unreadable", encode(set(example(), "timestamp", "11/02/2012 14:36")), ReasonMalformed},
		{"timestamp unknown zone", encode(set(example(), "timestamp", "2012-02-11 14:36:06 CET")), ReasonMalformed},
		{"no sale_id", encode(without(example(), "sale_id")), ReasonMalformed},
		{"sale_id not a number", encode(set(example(), "sale_id", "../admin")), ReasonMalformed},
		{"invoice_id not a number", encode(set(example(), "invoice_id", "12 34")), ReasonMalformed},
		{"item_count not a number", encode(set(example(), "item_count", "lots")), ReasonMalformed},
		{"item_count too large", encode(set(example(), "item_count", "100000")), ReasonMalformed},
		{"not a form at all", `{"message_type":"ORDER_CREATED"}`, ReasonMalformed},
		{"empty", "", ReasonMalformed},
		{"over 64 KB", good + "&pad=" + strings.Repeat("a", MaxBodySize), ReasonOversize},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.body))
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("Parse = %+v, %v; want a refusal", m, err)
			}
			if re.Reason != c.reason || re.Status() != 400 {
				t.Errorf("refused for %s (status %d); want %s (400)", re.Reason, re.Status(), c.reason)
			}
		})
	}
	// Exactly 64 KB is still read.
	pad := MaxBodySize - len(good) - len("&pad=")
	body := good + "&pad=" + strings.Repeat("a", pad)
	if len(body) != MaxBodySize {
		t.Fatalf("body is %d bytes", len(body))
	}
	if _, err := Parse([]byte(body)); err != nil {
		t.Errorf("a body of exactly %d bytes was refused: %v", MaxBodySize, err)
	}
}

func TestParseTimestamp(t *testing.T) {
	eastern, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2012-02-11 14:36:06 EST", time.Date(2012, 2, 11, 19, 36, 6, 0, time.UTC)},
		{"2026-07-04 09:00:00 EDT", time.Date(2026, 7, 4, 13, 0, 0, 0, time.UTC)},
		// No zone: Eastern local time, summer or winter.
		{"2026-07-04 09:00:00", time.Date(2026, 7, 4, 13, 0, 0, 0, time.UTC)},
		{"2026-01-04 09:00:00", time.Date(2026, 1, 4, 14, 0, 0, 0, time.UTC)},
		// The hour that happens twice when summer time ends (1 November
		// 2026): the zone name tells the two apart.
		{"2026-11-01 01:30:00 EDT", time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)},
		{"2026-11-01 01:30:00 EST", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC)},
		{"2026-03-01 12:00:00 UTC", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		got, err := ParseTimestamp(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", c.in, got.UTC(), err, c.want)
		}
	}
	for _, bad := range []string{"", "2012-02-11", "2012-02-11 25:00:00 EST", "2012-02-11 14:36:06 PST", "yesterday"} {
		if _, err := ParseTimestamp(bad); err == nil {
			t.Errorf("ParseTimestamp(%q) accepted", bad)
		}
	}
	d, err := ParseDate("2012-02-18")
	if want := time.Date(2012, 2, 18, 0, 0, 0, 0, eastern); err != nil || !d.Equal(want) {
		t.Errorf("ParseDate = %v, %v; want %v", d, err, want)
	}
}

// The vectors were computed outside Go, from ins.md's formula:
//
//	printf %s 4632527484 1817037 4632527490 tango | md5sum  (joined, no spaces)
func TestSignatureVectors(t *testing.T) {
	cases := []struct{ sale, vendor, invoice, secret, want string }{
		{"4632527484", "1817037", "4632527490", "tango", "C3A4585F61961F700BE0179FABAA5ED1"},
		{"9093735704385", "1234567", "9093735704394", "wh1sky", "AD79FA4CFA0BAEC77C0CE3843BE1D83C"},
		{"1", "2", "3", "", "202CB962AC59075B964B07152D234B70"}, // MD5("123")
	}
	for _, c := range cases {
		if got := Signature(c.sale, c.vendor, c.invoice, c.secret); got != c.want {
			t.Errorf("Signature(%s, %s, %s, %s) = %s; want %s", c.sale, c.vendor, c.invoice, c.secret, got, c.want)
		}
	}
}

func TestCheckHash(t *testing.T) {
	parse := func(hash string) *Message {
		t.Helper()
		m, err := Parse([]byte(encode(set(example(), "md5_hash", hash))))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	const good = "C3A4585F61961F700BE0179FABAA5ED1"
	if !CheckHash(parse(good), "tango") {
		t.Fatal("the documented example's hash was refused")
	}
	if !CheckHash(parse(strings.ToLower(good)), "tango") {
		t.Error("the same hash in lower case was refused")
	}
	for i := range good {
		c := byte('0')
		if good[i] == '0' {
			c = '1'
		}
		bad := good[:i] + string(c) + good[i+1:]
		if CheckHash(parse(bad), "tango") {
			t.Fatalf("hash with character %d changed (%s) accepted", i, bad)
		}
	}
	for _, bad := range []string{"", good[:31], good + "00", "Z" + good[1:], "not hex at all, 32 characters!!"} {
		if CheckHash(parse(bad), "tango") {
			t.Errorf("hash %q accepted", bad)
		}
	}
	if CheckHash(parse(good), "Tango") || CheckHash(parse(good), "tango ") {
		t.Error("a different secret word was accepted")
	}
	// The hash covers the ids as sent: another invoice id breaks it.
	m, _ := Parse([]byte(encode(set(set(example(), "md5_hash", good), "invoice_id", "4632527491"))))
	if CheckHash(m, "tango") {
		t.Error("a hash for another invoice was accepted")
	}
}
