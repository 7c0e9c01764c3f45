package tracking

import (
	"strings"
	"testing"
)

// The carrier numbers below are the published test numbers of
// tracking_number_data (github.com/jkeen/tracking_number_data, couriers/*.json)
// and the worked S10 example of the UPU standard's summary on Wikipedia;
// the "wrong" ones differ from a valid number in one digit.

func TestIdentify(t *testing.T) {
	tests := []struct {
		in       string
		carrier  string // "" when no carrier should be claimed
		name     string // Match.Name()
		number   string // "" means the input without spaces
		verified bool
	}{
		// UPS
		{"1Z5R89390357567127", UPS, UPS, "", true},
		{"1Z879E930346834440", UPS, UPS, "", true},
		{"1z410e7w0392751591", UPS, UPS, "1Z410E7W0392751591", true},
		{"1Z 8V9 2A7 03 6720 3024", UPS, UPS, "1Z8V92A70367203024", true},
		{"1Z1111111111111111", "", "", "", false}, // check digit wrong
		{"1A5R89390357567127", "", "", "", false},
		// FedEx
		{"986578788855", FedEx, "FedEx Express", "", true},
		{"477179081230", FedEx, "FedEx Express", "", true},
		{"7905 3531 2317", FedEx, "FedEx Express", "790535312317", true},
		{"996578788855", "", "", "", false},
		{"041441760228964", FedEx, "FedEx Ground", "", true},
		{"5682 8361 0012 734", FedEx, "FedEx Ground", "568283610012734", true},
		{"568283610012732", "", "", "", false},
		{"61299998820821171811", FedEx, "FedEx Ground Economy", "", true},
		{"9611020987654312345672", FedEx, "FedEx Ground", "", true},
		{"9600000000000000000001", "", "", "", false},
		{"1001921334250001000300779017972697", FedEx, FedEx, "779017972697", true},
		{"9622001560001234567100794808390594", FedEx, FedEx, "794808390594", true},
		{"9622001560001234567100794808390595", "", "", "", false},
		// USPS
		{"0307 1790 0005 2348 3741", USPS, USPS, "03071790000523483741", true},
		{"71123456789123456787", USPS, USPS, "", true},
		{"7196 9010 7560 0307 7385", USPS, USPS, "71969010756003077385", true},
		{"03071790000523483740", "", "", "", false},
		{"9400 1112 0108 0805 4830 16", USPS, USPS, "9400111201080805483016", true},
		{"9361 2898 7870 0317 6337 95", USPS, USPS, "9361289878700317633795", true},
		{"9505 5110 6960 5048 6006 24", USPS, USPS, "9505511069605048600624", true},
		{"9261292700768711948021", USPS, USPS, "", true},
		{"92748931507708513018050063", USPS, USPS, "", true},
		{"9200000000000000000000", "", "", "", false},
		{"420 22153 9101026837331000039521", USPS, USPS, "9101026837331000039521", true},
		{"4201028200009261290113185417468510", USPS, USPS, "9261290113185417468510", true},
		{"4201028200009261290113185417468511", "", "", "", false},
		{"RB123456785US", USPS, USPS, "", true},
		// DHL
		{"3318810025", DHL, "DHL Express", "", true},
		{"8487135506", DHL, "DHL Express", "", true},
		{"73891051146", DHL, "DHL Express", "", true},
		{"3318810010", "", "", "", false},
		{"JJD0099999999", DHL, "DHL parcel", "", false},
		{"JVGL0999999990", DHL, "DHL parcel", "", false},
		{"GM2951173225174494", DHL, "DHL eCommerce", "", false},
		{"GM 2 9 5 117 32 25 1 7 44 9 4", DHL, "DHL eCommerce", "GM2951173225174494", false},
		{"GS295117494011169041", "", "", "", false},
		// Royal Mail and other S10 numbers
		{"RB123456785GB", RoyalMail, RoyalMail, "", true},
		{"ee473124829gb", RoyalMail, RoyalMail, "EE473124829GB", true},
		{"RB123456786GB", "", "", "", false},
		{"RB123456785XX", "", "", "", false}, // no such country
		{"RB123456785CV", "Postal service (CV)", "Postal service (CV)", "", true},
		{"CP123456785DE", DeutschePost, DeutschePost, "", true},
		// Canada Post
		{"0073938000549297", CanadaPost, CanadaPost, "", true},
		{"0073938000549292", "", "", "", false},
		{"RR123456785CA", CanadaPost, CanadaPost, "", true},
		// Not tracking numbers at all
		{"", "", "", "", false},
		{"HELLO", "", "", "", false},
		{"12345", "", "", "", false},
	}
	for _, tc := range tests {
		m, ok := Identify(tc.in)
		if ok != (tc.carrier != "") {
			t.Errorf("Identify(%q) ok = %v, want %v (got %+v)", tc.in, ok, tc.carrier != "", m)
			continue
		}
		if !ok {
			continue
		}
		want := tc.number
		if want == "" {
			want = strings.ToUpper(strings.ReplaceAll(tc.in, " ", ""))
		}
		if m.Carrier != tc.carrier || m.Name() != tc.name || m.Number != want || m.Verified != tc.verified {
			t.Errorf("Identify(%q) = %+v (name %q), want carrier %q name %q number %q verified %v",
				tc.in, m, m.Name(), tc.carrier, tc.name, want, tc.verified)
		}
	}
}

func TestCheck(t *testing.T) {
	// Sale and invoice numbers as the sandbox hands them out (10 digits,
	// rising in steps of 3), and the documentation's 13-digit ones.
	own := Own{SaleID: "9800009201", InvoiceIDs: []string{"9800009210"}, Recent: []string{"9800009606", "9093735704385"}}
	tests := []struct {
		in      string
		kind    Kind
		number  string
		carrier string
		message string // a part of the message
		url     string
	}{
		{"9800009201", Refused, "9800009201", "", "That is the sale number: scan the carrier's label.", ""},
		{" 98000 09201 ", Refused, "9800009201", "", "That is the sale number", ""},
		{"009800009201", Refused, "009800009201", "", "That is the sale number", ""},
		{"9800009210", Refused, "9800009210", "", "That is the invoice number", ""},
		// The slip of another parcel on the bench.
		{"9800009234", Refused, "9800009234", "", "looks like a sale number", ""},
		{"9800012345", Refused, "9800012345", "", "looks like a sale number", ""},
		// A 13-digit sale number from Recent, one digit off.
		{"9093735704386", Refused, "9093735704386", "", "looks like a sale number", ""},
		// Far from every example: treated as a carrier's number. 9810000001
		// is 0.1% above 9800009201 and passes DHL's mod-7 check.
		{"3318810025", OK, "3318810025", DHL, "DHL Express tracking number", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=3318810025&submit=1"},
		{"9810000001", OK, "9810000001", DHL, "DHL Express", ""},
		{"1Z5R89390357567127", OK, "1Z5R89390357567127", UPS, "UPS tracking number", "https://www.ups.com/track?tracknum=1Z5R89390357567127"},
		{"986578788855", OK, "986578788855", FedEx, "FedEx Express tracking number", "https://www.fedex.com/fedextrack/?trknbr=986578788855"},
		{"420221539101026837331000039521", OK, "9101026837331000039521", USPS, "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels=9101026837331000039521"},
		{"RB123456785GB", OK, "RB123456785GB", RoyalMail, "Royal Mail tracking number", "https://www.royalmail.com/track-your-item#/tracking-results/RB123456785GB"},
		{"0073938000549297", OK, "0073938000549297", CanadaPost, "Canada Post", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=0073938000549297"},
		{"RB123456785CV", OK, "RB123456785CV", "Postal service (CV)", "Postal service (CV) tracking number", ""},
		{"GM2951173225174494", OK, "GM2951173225174494", DHL, "no check digit", "https://www.dhl.com/global-en/home/tracking.html?tracking-id=GM2951173225174494&submit=1"},
		// Known shapes with a wrong check digit: confirm, naming the carrier.
		{"1Z1111111111111111", Confirm, "1Z1111111111111111", "", "looks like a UPS tracking number, but its check digit is wrong", ""},
		{"RB123456786GB", Confirm, "RB123456786GB", "", "looks like a Royal Mail tracking number", ""},
		// Unknown shapes: confirm.
		{"ab-12 34", Confirm, "AB-1234", "", "not a tracking number format we know", ""},
		{"1ZSCAN00000000000A", Confirm, "1ZSCAN00000000000A", "", "looks like a UPS tracking number", ""},
		{"DOUBLE-ENTER-1", Confirm, "DOUBLE-ENTER-1", "", "not a tracking number format we know", ""},
		{"", Confirm, "", "", "", ""},
	}
	for _, tc := range tests {
		v := Check(tc.in, own)
		if v.Kind != tc.kind || v.Number != tc.number || v.Match.Carrier != tc.carrier || !strings.Contains(v.Message, tc.message) ||
			(tc.url != "" && v.URL() != tc.url) || (tc.url == "" && tc.kind != OK && v.URL() != "") {
			t.Errorf("Check(%q) = %+v (url %q), want kind %v number %q carrier %q message ~%q url %q",
				tc.in, v, v.URL(), tc.kind, tc.number, tc.carrier, tc.message, tc.url)
		}
		if tc.message == "" && v.Message != "" {
			t.Errorf("Check(%q) message %q, want none", tc.in, v.Message)
		}
	}
}

func TestVerdictAllowed(t *testing.T) {
	for _, tc := range []struct {
		kind            Kind
		ticked, allowed bool
	}{
		{OK, false, true}, {OK, true, true},
		{Confirm, false, false}, {Confirm, true, true},
		{Refused, false, false}, {Refused, true, false},
	} {
		if got := (Verdict{Kind: tc.kind}).Allowed(tc.ticked); got != tc.allowed {
			t.Errorf("kind %v ticked %v: Allowed = %v, want %v", tc.kind, tc.ticked, got, tc.allowed)
		}
	}
}

func TestSaleShaped(t *testing.T) {
	examples := []string{"9800009201", "4839284412", "9093735704385", "junk", "12345", "0012345678"}
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"9800009201", true},
		{"9790209192", true},  // 0.1% below
		{"9790209190", false}, // just outside
		{"9809809210", true},
		{"9809809211", false},
		{"4839284419", true},
		{"483928441", false},     // a digit shorter is 10 times smaller
		{"9093735704", false},    // the 13-digit number cut short
		{"9100000000000", true},  // 0.07% above 9093735704385
		{"9103000000000", false}, // 0.10002% above
		{"799531274483", false},  // FedEx, 12 digits
		{"12345", false},         // examples under six digits are ignored
		{"0012345678", false},    // leading zero: not one of ours
		{"98000092O1", false},    // a letter
		{"", false},
	} {
		if got := SaleShaped(tc.in, examples); got != tc.want {
			t.Errorf("SaleShaped(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	// The sequence rolling over to a new leading digit keeps the rule.
	if !SaleShaped("10000000002", []string{"9999999999"}) {
		t.Error("a sale number one past a power of ten is not recognised")
	}
}

func TestURLEscapesTheNumber(t *testing.T) {
	m := Match{Carrier: UPS, Number: "1Z A&B=C#D"}
	if got, want := m.URL(), "https://www.ups.com/track?tracknum=1Z+A%26B%3DC%23D"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	for c, p := range trackingPages {
		if !strings.HasPrefix(p, "https://") || strings.Count(p, "%s") != 1 {
			t.Errorf("%s: tracking page %q must be https with one %%s", c, p)
		}
	}
	if (Match{Carrier: "Postal service (CV)", Number: "RB123456785CV"}).URL() != "" {
		t.Error("a postal service without a known page got a link")
	}
}
