package tracking

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// The formats below follow the carriers' published label specifications as
// collected, with test numbers, in the tracking_number_data project
// (github.com/jkeen/tracking_number_data, couriers/*.json, MIT licence) and,
// for S10, the UPU S10 standard as summarised at
// https://en.wikipedia.org/wiki/S10_(UPU_standard). Only the formats a
// merchant shipping physical goods meets are kept, and only where the shape
// is distinctive enough not to be confused with another carrier's.

// Carrier names, as shown on the card next to the tracking number.
const (
	UPS          = "UPS"
	FedEx        = "FedEx"
	USPS         = "USPS"
	DHL          = "DHL"
	RoyalMail    = "Royal Mail"
	CanadaPost   = "Canada Post"
	DeutschePost = "Deutsche Post"
)

// Public tracking pages, https only, with %s where the URL-escaped number
// goes. From tracking_number_data where it lists a page (UPS, FedEx, USPS,
// Canada Post); DHL's and Royal Mail's are the carriers' own public pages.
var trackingPages = map[string]string{
	UPS:          "https://www.ups.com/track?tracknum=%s",
	FedEx:        "https://www.fedex.com/fedextrack/?trknbr=%s",
	USPS:         "https://tools.usps.com/go/TrackConfirmAction?tLabels=%s",
	DHL:          "https://www.dhl.com/global-en/home/tracking.html?tracking-id=%s&submit=1",
	RoyalMail:    "https://www.royalmail.com/track-your-item#/tracking-results/%s",
	CanadaPost:   "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=%s",
	DeutschePost: "https://www.deutschepost.de/de/s/sendungsverfolgung.html?piececode=%s",
}

// Match is a number recognised as a carrier's.
type Match struct {
	// Carrier names the carrier, e.g. "UPS".
	Carrier string
	// Service names the carrier's service when the number tells it, e.g.
	// "FedEx Ground"; it always starts with the carrier's name.
	Service string
	// Number is the number as the carrier tracks it: without spaces, and
	// without the routing prefix some barcodes put in front of it (a USPS
	// "420" + ZIP code, the 22 leading digits of a FedEx 34-digit barcode).
	Number string
	// Verified is true when the number's check digit was checked; some
	// formats (DHL e-commerce, DHL piece numbers) have none.
	Verified bool
}

// Name is the service when known, else the carrier: what the card shows.
func (m Match) Name() string {
	if m.Service != "" {
		return m.Service
	}
	return m.Carrier
}

// URL returns the carrier's public tracking page for the number, or "" when
// there is none to link to (a postal service other than those named above).
func (m Match) URL() string {
	p, ok := trackingPages[m.Carrier]
	if !ok || m.Number == "" {
		return ""
	}
	return strings.Replace(p, "%s", url.QueryEscape(m.Number), 1)
}

// Identify recognises a carrier's tracking number. Spaces and dashes are
// ignored and letters may be in either case. ok is false for a number of no
// known format, and for one shaped like a known format whose check digit is
// wrong (Check tells that case apart, to word its message).
func Identify(number string) (m Match, ok bool) {
	m, res := identify(compact(number))
	return m, res == matched
}

type result int

const (
	noFormat result = iota
	matched         // a known format, check digit right (or none to check)
	badCheck        // a distinctive format whose check digit is wrong
)

// identify tries the formats from the most distinctive to the least. c is
// already upper case without spaces or dashes.
func identify(c string) (Match, result) {
	switch {
	case len(c) == 18 && strings.HasPrefix(c, "1Z") && alnum(c):
		return check(Match{Carrier: UPS, Number: c}, upsCheck(c))
	case len(c) == 13 && isS10(c):
		return s10(c)
	case strings.HasPrefix(c, "JJD") && digitsBetween(c[3:], 10, 20),
		strings.HasPrefix(c, "JVGL") && digitsBetween(c[4:], 9, 20):
		// DHL piece numbers (parcels within Germany, Express pieces) carry
		// no check digit.
		return Match{Carrier: DHL, Service: "DHL parcel", Number: c}, matched
	case (strings.HasPrefix(c, "GM") || strings.HasPrefix(c, "LX") || strings.HasPrefix(c, "RX")) && digitsBetween(c[2:], 10, 39):
		return Match{Carrier: DHL, Service: "DHL eCommerce", Number: c}, matched
	case !digits(c):
		return Match{}, noFormat
	}
	return identifyDigits(c)
}

// identifyDigits handles the all-digit formats, where length and leading
// digits are all there is to tell carriers apart.
func identifyDigits(c string) (Match, result) {
	switch n := len(c); {
	case n == 34 && (strings.HasPrefix(c, "100") || strings.HasPrefix(c, "96")):
		// The barcode on FedEx Express and Ground labels: the tracking
		// number people and fedex.com use is its last 12 digits.
		t := c[22:]
		return check(Match{Carrier: FedEx, Number: t}, fedex12(t))
	case (n == 30 || n == 34) && strings.HasPrefix(c, "420"):
		// USPS labels start with "420" and the destination ZIP (5 or 9
		// digits) for sorting; the tracking number follows.
		if t := c[n-22:]; impb(t) {
			return check(Match{Carrier: USPS, Number: t}, gs1Check(t[:21], t[21]))
		}
	case n == 22 && strings.HasPrefix(c, "96"):
		// FedEx Ground "96" numbers: the check digit covers the 14-digit
		// serial after the "96", the two-digit SCNC and the service code.
		return check(Match{Carrier: FedEx, Service: "FedEx Ground", Number: c}, gs1Check(c[7:21], c[21]))
	case (n == 22 || n == 26) && impb(c):
		// USPS Intelligent Mail package barcode (IMpb); "92" numbers are
		// also FedEx Ground Economy parcels that USPS delivers, which
		// usps.com tracks.
		return check(Match{Carrier: USPS, Number: c}, gs1Check(c[:n-1], c[n-1]))
	case n == 20:
		last := c[19]
		switch {
		case gs1Check(c[:19], last), gs1Check("91"+c[:19], last):
			return Match{Carrier: USPS, Number: c, Verified: true}, matched
		case gs1Check("92"+c[:19], last):
			return Match{Carrier: FedEx, Service: "FedEx Ground Economy", Number: c, Verified: true}, matched
		}
	case n == 16:
		if gs1Check(c[:15], c[15]) {
			return Match{Carrier: CanadaPost, Number: c, Verified: true}, matched
		}
	case n == 15:
		if gs1Check(c[:14], c[14]) {
			return Match{Carrier: FedEx, Service: "FedEx Ground", Number: c, Verified: true}, matched
		}
	case n == 12:
		if fedex12(c) {
			return Match{Carrier: FedEx, Service: "FedEx Express", Number: c, Verified: true}, matched
		}
	case n == 10 || n == 11:
		if dhlExpress(c) {
			return Match{Carrier: DHL, Service: "DHL Express", Number: c, Verified: true}, matched
		}
	}
	// All-digit numbers of other lengths, or whose check digit fails, are
	// not claimed: digits alone are too common to blame a carrier.
	return Match{}, noFormat
}

func check(m Match, ok bool) (Match, result) {
	if !ok {
		return m, badCheck
	}
	m.Verified = true
	return m, matched
}

// s10 reads a UPU S10 number: two letters for the service, eight serial
// digits, a check digit and the issuing country's ISO 3166 code.
func s10(c string) (Match, result) {
	country := c[11:]
	r, err := language.ParseRegion(country)
	if err != nil || !r.IsCountry() {
		return Match{}, noFormat
	}
	// Other postal services are named by country only: their tracking
	// pages differ too much to link to.
	m := Match{Carrier: "Postal service (" + country + ")", Number: c}
	switch country {
	case "GB":
		m.Carrier = RoyalMail
	case "US":
		m.Carrier = USPS
	case "CA":
		m.Carrier = CanadaPost
	case "DE":
		m.Carrier = DeutschePost
	}
	return check(m, s10Check(c[2:10], c[10]))
}

func isS10(c string) bool {
	return letters(c[:2]) && digits(c[2:11]) && letters(c[11:])
}

// s10Check: weights 8 6 4 2 3 5 9 7 over the serial, C = 11 - (sum mod 11),
// 10 becomes 0 and 11 becomes 5 (UPU S10).
func s10Check(serial string, want byte) bool {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(serial[i]-'0') * weights[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		c = 0
	case 11:
		c = 5
	}
	return byte('0'+c) == want
}

// upsCheck: over the 15 characters after "1Z", letters count as
// (ASCII code - 3) mod 10 (A=2 … I=0, J=1 …), every second character is
// doubled, and the check digit brings the sum to a multiple of ten
// (tracking_number_data ups.json, "mod10" with odds_multiplier 2).
func upsCheck(c string) bool {
	sum := 0
	for i := 2; i < 17; i++ {
		v := int(c[i] - '0')
		if c[i] >= 'A' {
			v = (int(c[i]) - 3) % 10
		}
		if (i-2)%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return c[17] == byte('0'+(10-sum%10)%10)
}

// gs1Check is the GS1 mod-10 check used by USPS, FedEx Ground and Canada
// Post numbers: weights 3 and 1 alternating from the rightmost data digit.
func gs1Check(data string, want byte) bool {
	sum := 0
	for i := len(data) - 1; i >= 0; i-- {
		v := int(data[i] - '0')
		if (len(data)-1-i)%2 == 0 {
			v *= 3
		}
		sum += v
	}
	return want == byte('0'+(10-sum%10)%10)
}

// impb reports whether c starts like a USPS IMpb number: "9" and a
// channel digit from 1 to 5.
func impb(c string) bool {
	return len(c) >= 2 && c[0] == '9' && c[1] >= '1' && c[1] <= '5'
}

// fedex12: weights 3 1 7 repeating over the first 11 digits, check digit =
// sum mod 11 mod 10 (tracking_number_data fedex.json, "FedEx Express (12)").
func fedex12(c string) bool {
	weights := [3]int{3, 1, 7}
	sum := 0
	for i := 0; i < 11; i++ {
		sum += int(c[i]-'0') * weights[i%3]
	}
	return c[11] == byte('0'+sum%11%10)
}

// dhlExpress: the number without its last digit, mod 7, is the last digit
// (tracking_number_data dhl.json, "DHL Express").
func dhlExpress(c string) bool {
	n, err := strconv.ParseUint(c[:len(c)-1], 10, 64)
	return err == nil && byte('0'+n%7) == c[len(c)-1]
}

// compact is the form numbers are compared in: upper case, without the
// spaces and dashes people and some label printers put in.
func compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

// digitsBetween reports whether s is all digits, between lo and hi of them.
func digitsBetween(s string, lo, hi int) bool {
	return len(s) >= lo && len(s) <= hi && digits(s)
}
