package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The seed is generated in a fixed frame of reference, as if the state were
// created on refDay, and then moved by whole days to the day the state is
// really created (shiftDates). Generating in one frame keeps every id, amount
// and order the same whatever the clock; moving afterwards keeps the dates
// meaningful: fresh fixtures are days old, never past the 180-day refund
// limit, whenever someone creates the state.
var (
	// refDay is the reference creation day (00:00 UTC).
	refDay = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	// seedEnd is the last moment a seeded sale can happen: the end of the
	// day before creation.
	seedEnd = refDay.Add(-time.Second)
)

// Authorization lifetimes: a card authorization holds 7 days (INS example:
// sale 2012-02-11, auth_exp 2012-02-18), a PayPal one 28 (the recorded
// FRAUD_STATUS_CHANGED of a "paypal ec" sale: 2012-06-28, 2012-07-26).
const (
	cardAuthDays   = 7
	paypalAuthDays = 28
)

const (
	tsLayout    = "2006-01-02 15:04:05"
	dateLayout  = "2006-01-02"
	seedAPIUser = "APIuser1817037"
)

type city struct {
	name, state, postal string
	area                int // detail_ip.area_code (US and Canada only)
	phone               string
}

type country struct {
	code3, code2, name, lang string
	cities                   []city
}

var countries = []country{
	{"USA", "US", "United States", "en", []city{
		{"Columbus", "OH", "43215", 614, "614-555-01%02d"}, {"Austin", "TX", "78701", 512, "512-555-01%02d"},
		{"Portland", "OR", "97205", 503, "503-555-01%02d"}, {"Brooklyn", "NY", "11201", 718, "718-555-01%02d"},
		{"Denver", "CO", "80202", 303, "303-555-01%02d"}, {"Atlanta", "GA", "30303", 404, "404-555-01%02d"},
		{"Chicago", "IL", "60601", 312, "312-555-01%02d"}, {"Seattle", "WA", "98101", 206, "206-555-01%02d"},
	}},
	{"CAN", "CA", "Canada", "en", []city{
		{"Toronto", "ON", "M5V 2T6", 416, "416-555-01%02d"}, {"Vancouver", "BC", "V6B 1A1", 604, "604-555-01%02d"},
		{"Montréal", "QC", "H2Y 1C6", 514, "514-555-01%02d"},
	}},
	{"GBR", "GB", "United Kingdom", "en", []city{
		{"London", "London", "EC1A 1BB", 0, "+44 20 7946 00%02d"}, {"Manchester", "Greater Manchester", "M1 1AE", 0, "+44 161 496 00%02d"},
		{"Edinburgh", "Scotland", "EH1 1YZ", 0, "+44 131 496 00%02d"},
	}},
	{"DEU", "DE", "Germany", "de", []city{
		{"Berlin", "BE", "10115", 0, "+49 30 9018 20%02d"}, {"München", "BY", "80331", 0, "+49 89 2333 40%02d"},
		{"Hamburg", "HH", "20095", 0, "+49 40 4283 10%02d"},
	}},
	{"FRA", "FR", "France", "fr", []city{
		{"Paris", "IDF", "75001", 0, "+33 1 70 18 99 %02d"}, {"Lyon", "ARA", "69001", 0, "+33 4 72 10 30 %02d"},
	}},
	{"ESP", "ES", "Spain", "es", []city{
		{"Madrid", "MD", "28013", 0, "+34 91 123 45 %02d"}, {"Barcelona", "CT", "08002", 0, "+34 93 402 70 %02d"},
	}},
	{"MEX", "MX", "Mexico", "es_la", []city{
		{"Ciudad de México", "CMX", "06600", 0, "+52 55 5555 01%02d"}, {"Guadalajara", "JAL", "44100", 0, "+52 33 3555 01%02d"},
	}},
	{"BRA", "BR", "Brazil", "pt", []city{
		{"São Paulo", "SP", "01310-100", 0, "+55 11 5555-01%02d"}, {"Rio de Janeiro", "RJ", "20040-002", 0, "+55 21 5555-01%02d"},
	}},
	{"NGA", "NG", "Nigeria", "en", []city{
		{"Lagos", "LA", "100001", 0, "+234 1 555 01%02d"}, {"Abuja", "FC", "900001", 0, "+234 9 555 01%02d"},
	}},
	{"IND", "IN", "India", "en", []city{
		{"Bengaluru", "KA", "560001", 0, "+91 80 5555 01%02d"}, {"Mumbai", "MH", "400001", 0, "+91 22 5555 01%02d"},
	}},
	{"JPN", "JP", "Japan", "ja", []city{
		{"Tokyo", "13", "100-0001", 0, "+81 3 5555 01%02d"}, {"Osaka", "27", "530-0001", 0, "+81 6 5555 01%02d"},
	}},
	{"AUS", "AU", "Australia", "en", []city{
		{"Sydney", "NSW", "2000", 0, "+61 2 5550 01%02d"}, {"Melbourne", "VIC", "3000", 0, "+61 3 5550 01%02d"},
	}},
	{"ISR", "IL", "Israel", "he", []city{{"Tel Aviv", "TA", "6100000", 0, "+972 3 555 01%02d"}}},
	{"ARE", "AE", "United Arab Emirates", "ar", []city{{"Dubai", "DU", "00000", 0, "+971 4 555 01%02d"}}},
}

type person struct {
	first, middle, last, email string
	country                    int // index into countries
}

// people is the pool of generated customers. No one here is called
// Okonkwo: that name belongs to the repeat-customer fixture alone.
var people = []person{
	{"Joe", "", "Flagster", "rater@example.com", 0},
	{"Craig", "P", "Christenson", "craig.christenson@example.com", 0},
	{"Maria", "", "Gonzalez", "maria.gonzalez@example.net", 0},
	{"DeShawn", "", "Washington", "deshawn.w@example.org", 0},
	{"Emily", "", "Chen", "emily.chen@example.com", 0},
	{"Michael", "J", "O'Brien", "mike.obrien@example.com", 0},
	{"Sarah", "", "Johnson", "sarah.johnson@mail.example.com", 0},
	{"Tyler", "", "Nguyen", "tyler.nguyen@example.net", 0},
	{"Jessica", "", "Martinez", "jess.martinez@example.org", 0},
	{"Robert", "", "Kowalski", "rkowalski@example.com", 0},
	{"Aaliyah", "", "Robinson", "aaliyah.robinson@example.com", 0},
	{"Brandon", "T", "Miller", "brandon.miller@example.net", 0},
	{"Priya", "", "Patel", "priya.patel@example.com", 0},
	{"Kevin", "", "Park", "kevin.park@example.org", 0},
	{"Megan", "", "Sullivan", "megan.sullivan@example.com", 0},
	{"Jamal", "", "Carter", "jamal.carter@mail.example.com", 0},
	{"Hannah", "", "Schmidt-Lee", "hannah.schmidtlee@example.com", 0},
	{"Zoë", "", "Núñez-O'Brien", "zoe.nunez@example.com", 0},
	{"Émilie", "", "Tremblay", "emilie.tremblay@example.ca", 1},
	{"Liam", "", "MacDonald", "liam.macdonald@example.ca", 1},
	{"Olivia", "", "Singh", "olivia.singh@example.ca", 1},
	{"Oliver", "", "Whitfield", "oliver.whitfield@example.co.uk", 2},
	{"Siobhan", "", "Murphy", "siobhan.murphy@example.co.uk", 2},
	{"Harriet", "", "Evans-Clarke", "harriet.ec@example.co.uk", 2},
	{"Jürgen", "", "Müller", "juergen.mueller@example.de", 3},
	{"Anke", "", "Weiß", "anke.weiss@example.de", 3},
	{"Leonie", "", "Schröder", "leonie.schroeder@example.de", 3},
	{"Chloé", "", "Lefèvre", "chloe.lefevre@example.fr", 4},
	{"Théo", "", "Dubois", "theo.dubois@example.fr", 4},
	{"Lucía", "", "Fernández", "lucia.fernandez@example.es", 5},
	{"Javier", "", "Ruiz", "javier.ruiz@example.es", 5},
	{"José Luis", "", "Hernández", "jl.hernandez@example.mx", 6},
	{"Guadalupe", "", "Ramírez", "lupita.ramirez@example.mx", 6},
	{"João", "", "Silva", "joao.silva@example.com.br", 7},
	{"Ana Beatriz", "", "Souza", "ana.souza@example.com.br", 7},
	{"Chinedu", "", "Eze", "chinedu.eze@example.ng", 8},
	{"Funmilayo", "", "Adeyemi", "funmi.adeyemi@example.ng", 8},
	{"Arjun", "", "Reddy", "arjun.reddy@example.in", 9},
	{"Ananya", "", "Iyer", "ananya.iyer@example.in", 9},
	{"花子", "", "佐藤", "hanako.sato@example.jp", 10},
	{"Kenji", "", "Watanabe", "kenji.watanabe@example.jp", 10},
	{"Mia", "", "Thompson", "mia.thompson@example.com.au", 11},
	{"Jack", "", "O'Connell", "jack.oconnell@example.com.au", 11},
	{"נועה", "", "כהן", "noa.cohen@example.co.il", 12},
	{"ليلى", "", "حداد", "layla.haddad@example.ae", 13},
}

var (
	repeatPerson  = person{"Adaeze", "N", "Okonkwo", "adaeze.okonkwo@example.com", 0}
	hostilePerson = person{"<img src=x onerror=alert(2)>", "", `Tester "Bobby" & Co`, "bobby.tables@example.com", 0}
)

var streets = []string{"Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Elm Street", "Park Road", "High Street", "Station Road", "Lakeview Terrace", "Sunset Boulevard"}

var referrers = []string{"https://www.fake-company.com/checkout", "https://www.fake-company.com/cart", "https://shop.example.com/checkout/", "http://wordpress.example/checkout-2/"}

type shipMethod struct {
	id, name, carrier string
	fee               int64
}

var shipMethods = []shipMethod{
	{"1", "UPS Ground", "ups", 899},
	{"2", "USPS Priority Mail", "usps", 795},
	{"3", "FedEx 2Day", "fedex", 1799},
	{"4", "DHL Express Worldwide", "dhl", 2450},
}

var supportComments = []string{
	"Customer asked to change the delivery address; updated before shipping.",
	"Called the buyer to confirm the engraving text.",
	"Gift order — please include a gift receipt.",
	"Buyer reported a late delivery; sent the tracking link again.",
	"Waiting for stock; the customer agreed to a one-week delay.",
	"Der Kunde bittet um Lieferung nach 18 Uhr. Danke!",
	"配送前にご連絡ください。",
	"Line one of a note\nand its second line.",
	"Customer says the download link expired; resent it.",
}

type kind int

const (
	kindTangible    kind = iota // one invoice, physical goods
	kindTangibleSub             // physical subscription box, one invoice per month
	kindIntangible              // one invoice, digital goods
	kindRecurring               // digital subscription, one invoice per period
)

// plan describes one sale before ids are handed out; plans are sorted by
// date first so sale ids grow with time, as real ones do.
type plan struct {
	at       time.Time
	kind     kind
	who      person
	products []string
	invoices int
	shipped  int // invoices already shipped; -1: decided by age
	recur    string
	refund   string // "", "full", "partial", "lineitem"
	paypal   bool
	comments []string
	declines bool
	pending  bool
	tax      bool   // a US tangible sale that certainly carries a Tax Fee
	fraud    string // fraud review result; "" is "pass"
	role     string
	seq      int
}

var (
	tangibleGoods   = []string{buddhaID, photoFrameID, brassRingID, headphonesID, mugID, buddhaID, photoFrameID, mugID}
	intangibleGoods = []string{casinoID, classifiedID, jarOfAirID, optionTestID, leadWeightsID, liveTestID, apiProductID, courseID}
	recurringGoods  = []string{exampleProductID, annualSubID, yaTestID, magazineID}
)

func day(m time.Month, d, h, min int) time.Time {
	return time.Date(2026, m, d, h, min, 7*d%60, 0, time.UTC)
}

// fixturePlans are the sales tests rely on; see Fixtures.
func fixturePlans() []plan {
	np := func(r string, at time.Time, k kind, products ...string) plan {
		return plan{role: r, at: at, kind: k, products: products, invoices: 1, shipped: 0, recur: "active", who: people[0]}
	}
	ps := []plan{}
	add := func(p plan, who int) { p.who = people[who]; ps = append(ps, p) }

	add(np("tangible_one", day(11, 16, 9, 14), kindTangible, buddhaID), 4)
	add(np("auth_expiring", day(11, 14, 10, 5), kindTangible, photoFrameID), 11)
	p := np("tangible_two", day(10, 3, 16, 40), kindTangibleSub, coffeeBoxID)
	p.invoices = 2
	add(p, 21)
	p = np("tangible_two_one_shipped", day(10, 6, 11, 5), kindTangibleSub, coffeeBoxID)
	p.invoices, p.shipped = 2, 1
	add(p, 24)
	add(np("intangible", day(11, 8, 13, 22), kindIntangible, jarOfAirID), 12)
	add(np("intangible_two", day(11, 7, 10, 2), kindIntangible, leadWeightsID, liveTestID), 29)
	add(np("free_lineitem", day(11, 2, 18, 45), kindIntangible, forgedIronID, casinoID), 37)
	p = np("recurring", day(9, 12, 8, 30), kindRecurring, exampleProductID)
	p.invoices = 3
	add(p, 6)
	p = np("recurring_stopped", day(8, 20, 19, 55), kindRecurring, annualSubID)
	p.invoices, p.recur = 2, "stopped"
	add(p, 22)
	p = np("paypal_recurring", day(10, 1, 7, 12), kindRecurring, magazineID)
	p.invoices, p.paypal = 2, true
	add(p, 33)
	p = np("declined_recurring", day(10, 20, 21, 3), kindRecurring, yaTestID)
	p.invoices, p.recur = 3, "declined"
	add(p, 41)
	p = np("shipped", day(11, 1, 12, 0), kindTangible, photoFrameID)
	p.shipped = 1
	add(p, 2)
	p = np("refunded", day(11, 4, 15, 31), kindIntangible, classifiedID)
	p.refund = "full"
	add(p, 8)
	p = np("partially_refunded", day(11, 5, 9, 48), kindIntangible, optionTestID)
	p.refund = "partial"
	add(p, 27)
	p = np("lineitem_refunded", day(11, 6, 16, 20), kindIntangible, courseID, casinoID)
	p.refund = "lineitem"
	add(p, 30)
	p = np("fees", day(11, 5, 13, 40), kindTangible, headphonesID, mugID)
	p.shipped, p.tax = 1, true
	add(p, 5)
	p = np("fraud_review", day(11, 19, 8, 45), kindTangible, brassRingID)
	p.fraud = "wait"
	add(p, 15)
	p = np("fraud_failed", day(11, 18, 23, 5), kindIntangible, jarOfAirID)
	p.fraud = "fail"
	add(p, 38)
	add(np("old_sale", time.Date(2026, 1, 9, 10, 20, 0, 0, time.UTC), kindIntangible, liveTestID), 19)
	p = np("with_comments", day(11, 15, 17, 26), kindTangible, mugID)
	p.comments = []string{supportComments[2], hostileCommentTxt, supportComments[7]}
	add(p, 17)
	p = np("hostile_customer", day(11, 6, 22, 10), kindIntangible, apiProductID)
	p.who = hostilePerson
	ps = append(ps, p)
	p = np("auth_expired", day(11, 3, 14, 1), kindTangible, brassRingID)
	add(p, 10)
	p = np("reauth_too_late", day(11, 2, 9, 37), kindTangible, headphonesID)
	p.pending = true
	add(p, 35)
	p = np("reauth_failed", day(11, 4, 20, 15), kindTangible, buddhaID)
	p.declines = true
	add(p, 39)
	scan := []struct {
		d, h, who int
		product   string
	}{
		{15, 9, 3, photoFrameID}, {15, 14, 13, brassRingID}, {16, 8, 26, mugID}, {16, 16, 31, headphonesID},
		{17, 10, 40, buddhaID}, {17, 19, 14, photoFrameID}, {18, 7, 42, mugID}, {18, 12, 18, brassRingID},
	}
	for i, s := range scan {
		p = np("scan_to_ship", day(11, s.d, s.h, 10+i), kindTangible, s.product)
		add(p, s.who)
	}
	repeat := []plan{
		np("repeat", time.Date(2026, 2, 14, 19, 2, 41, 0, time.UTC), kindIntangible, courseID),
		np("repeat", time.Date(2026, 5, 3, 11, 48, 9, 0, time.UTC), kindTangible, headphonesID),
		np("repeat", time.Date(2026, 7, 19, 8, 5, 55, 0, time.UTC), kindIntangible, jarOfAirID),
		np("repeat", time.Date(2026, 9, 30, 15, 27, 13, 0, time.UTC), kindIntangible, casinoID),
		np("repeat", day(11, 17, 18, 33), kindTangible, mugID),
	}
	repeat[1].shipped = 1
	for _, p := range repeat {
		p.who = repeatPerson
		ps = append(ps, p)
	}
	return ps
}

// randomPlans are the bulk of the sales: spread over 2026 up to seedEnd.
func randomPlans(r *prng, n int) []plan {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int(seedEnd.Sub(start) / time.Second)
	out := make([]plan, 0, n)
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(r.intn(span)) * time.Second)
		p := plan{at: at, who: pick(r, people), invoices: 1, shipped: -1, recur: "active"}
		switch x := r.intn(100); {
		case x < 36:
			p.kind = kindTangible
			p.products = []string{pick(r, tangibleGoods)}
			if r.chance(25) {
				p.products = append(p.products, pick(r, tangibleGoods))
			}
			if r.chance(2) {
				p.products = []string{aluminumID}
			}
		case x < 44:
			p.kind = kindTangibleSub
			p.products = []string{coffeeBoxID}
			p.invoices = 1 + r.intn(4)
		case x < 80:
			p.kind = kindIntangible
			p.products = []string{pick(r, intangibleGoods)}
			if r.chance(20) {
				p.products = append(p.products, pick(r, intangibleGoods))
			}
		default:
			p.kind = kindRecurring
			p.products = []string{pick(r, recurringGoods)}
			p.invoices = 1 + r.intn(4)
			switch y := r.intn(100); {
			case y < 25:
				p.recur = "stopped"
			case y < 37:
				p.recur = "declined"
			}
		}
		p.products = slices.Compact(p.products)
		if p.kind == kindTangible || p.kind == kindIntangible {
			switch y := r.intn(100); {
			case y < 5:
				p.refund = "full"
			case y < 8:
				p.refund = "partial"
			}
		}
		p.paypal = r.chance(12)
		if r.chance(15) {
			for k := 0; k <= r.intn(2); k++ {
				p.comments = append(p.comments, pick(r, supportComments))
			}
		}
		out = append(out, p)
	}
	return out
}

// gen builds sales from plans.
type gen struct {
	st       *state
	r        *prng
	products map[string]*productRec
	options  map[string]*optionWire
}

func seedSales(st *state) {
	g := &gen{st: st, r: &prng{s: 20261115}, products: map[string]*productRec{}, options: map[string]*optionWire{}}
	for _, p := range st.Products {
		g.products[p.ProductID] = p
	}
	for _, o := range st.Options {
		g.options[o.OptionID] = o
	}
	plans := append(fixturePlans(), randomPlans(g.r, 240)...)
	for i := range plans {
		plans[i].seq = i
	}
	slices.SortStableFunc(plans, func(a, b plan) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	fx := &st.Fixtures
	fx.Invoices = map[string][]string{}
	fx.RepeatCustomer = repeatPerson.last
	fx.HostileComment = hostileCommentTxt
	for _, p := range plans {
		rec := g.build(p)
		st.Sales = append(st.Sales, rec)
		if p.role == "" {
			continue
		}
		s := rec.Sale
		id := s.SaleID
		for _, inv := range s.Invoices {
			fx.Invoices[id] = append(fx.Invoices[id], inv.InvoiceID)
		}
		last := s.Invoices[len(s.Invoices)-1]
		firstProduct := last.Lineitems[0].LineitemID
		switch p.role {
		case "tangible_one":
			fx.TangibleOneInvoice = id
		case "auth_expiring":
			fx.AuthExpiring = id
		case "tangible_two":
			fx.TangibleTwoInvoices = id
		case "tangible_two_one_shipped":
			fx.TangibleTwoInvoicesOneShipped = id
		case "intangible":
			fx.Intangible = id
		case "intangible_two":
			fx.IntangibleTwoItems, fx.RefundableLineitem = id, last.Lineitems[1].LineitemID
		case "free_lineitem":
			fx.FreeLineitem = firstProduct
		case "recurring":
			fx.Recurring, fx.RecurringLineitem, fx.SeveralInvoices = id, firstProduct, id
		case "recurring_stopped":
			fx.RecurringStopped, fx.RecurringStoppedLineitem = id, firstProduct
		case "paypal_recurring":
			fx.PayPalRecurring, fx.PayPalRecurringLineitem = id, firstProduct
		case "declined_recurring":
			fx.DeclinedRecurring = id
		case "shipped":
			fx.Shipped = id
			fx.ShippingLineitem = feeLineitem(last, shippingFeeName)
		case "fees":
			fx.Fees, fx.TaxLineitem = id, feeLineitem(last, taxFeeName)
		case "lineitem_refunded":
			fx.LineitemRefunded, fx.RefundedLineitem = id, last.Lineitems[1].LineitemID
		case "fraud_review":
			fx.FraudReview = id
		case "fraud_failed":
			fx.FraudFailed = id
		case "refunded":
			fx.Refunded = id
		case "partially_refunded":
			fx.PartiallyRefunded = id
		case "old_sale":
			fx.OldSale = id
		case "with_comments":
			fx.WithComments = id
		case "hostile_customer":
			fx.HostileCustomer = id
		case "auth_expired":
			fx.AuthExpired = id
		case "reauth_too_late":
			fx.ReauthTooLate = id
		case "reauth_failed":
			fx.ReauthFailed = id
		case "scan_to_ship":
			fx.ScanToShip = append(fx.ScanToShip, id)
		case "repeat":
			fx.RepeatCustomerSales = append(fx.RepeatCustomerSales, id)
		}
	}
}

func (g *gen) id() string { return g.st.newID() }

// interval is the time between two invoices of a subscription.
func interval(recurrence string) (months, days int) {
	if recurrence == "1 Week" {
		return 0, 7
	}
	return 1, 0
}

func (g *gen) build(p plan) *saleRec {
	r := g.r
	ctry := countries[p.who.country]
	c := pick(r, ctry.cities)
	saleID := g.id()
	customerID, addressID := g.id(), g.id()
	var middle *string
	if p.who.middle != "" {
		middle = sp(p.who.middle)
	}
	name := fullName(p.who.first, middle, p.who.last)
	phone := ""
	if !r.chance(10) {
		phone = fmt.Sprintf(c.phone, r.intn(100))
	}
	cityName := c.name
	if p.role == "hostile_customer" {
		cityName = "<b>Springfield</b>"
	}
	street := fmt.Sprintf("%d %s", 1+r.intn(2400), pick(r, streets))
	var addr2 *string
	if r.chance(20) {
		addr2 = sp(fmt.Sprintf("Apt %d", 1+r.intn(40)))
	}
	pay := payMethodWire{Method: "credit card", FirstSixDigits: sp(pick(r, []string{"400000", "411111", "542418", "371449", "601100"})),
		LastTwoDigits: sp(fmt.Sprintf("%02d", r.intn(100)))}
	billMethod := "credit_card"
	if p.paypal {
		pay = payMethodWire{Method: "paypal"}
		billMethod = "paypal_int"
	}
	ipAddr := fmt.Sprintf("%s.%d", pick(r, []string{"192.0.2", "198.51.100", "203.0.113"}), 1+r.intn(254))
	var zip *string
	if ctry.code2 == "US" {
		zip = sp(c.postal)
	}
	sale := &saleWire{
		Comments: []commentWire{},
		Customer: customerWire{
			Address1: street, Address2: addr2, AddressID: addressID, CardholderName: name, City: cityName,
			CountryCode: ctry.code3, CountryCode2: ctry.code2, CountryName: ctry.name, CustomerID: customerID,
			EmailAddress: p.who.email, FirstName: p.who.first, Lang: ctry.lang, LastName: p.who.last,
			MiddleInitial: middle, PayMethod: pay, Phone: phone, PhoneExt: "", PostalCode: c.postal,
			State: c.state,
		},
		DatePlaced: p.at.Format(tsLayout),
		DetailIP: detailIPWire{Address: ipAddr, AreaCode: c.area, City: c.name, Country: ctry.name,
			CountryCode: ctry.code2, Region: c.state, Zip: zip},
		IPAddress: ipAddr,
		IPCountry: ctry.name,
		SaleID:    saleID,
	}
	fraud := p.fraud
	if fraud == "" {
		fraud = "pass"
	}
	rec := &saleRec{Sale: sale, ReauthDeclines: p.declines, FraudStatus: fraud}

	tangible := p.kind == kindTangible || p.kind == kindTangibleSub
	recurring := p.kind == kindTangibleSub || p.kind == kindRecurring
	method := pick(r, shipMethods)
	if ctry.code2 != "US" {
		method = shipMethods[3]
	}
	ref := sp(pick(r, referrers))
	orderNo := 3000 + r.intn(7000)
	first := g.products[p.products[0]]
	months, days := 0, 0
	if recurring {
		months, days = interval(*first.Recurrence)
	}
	at := p.at
	for n := 1; n <= p.invoices; n++ {
		if n > 1 {
			next := at.AddDate(0, months, days)
			if next.After(seedEnd) {
				break
			}
			at = next
		}
		invID := g.id()
		inv := &invoiceWire{
			ChangeID: g.id(), CustomerName: name, DatePlaced: at.Format(tsLayout), InvoiceID: invID,
			NewCustomerQuoteID: sp(strconv.Itoa(100 + r.intn(900))), NewVendorQuoteID: sp(strconv.Itoa(100 + r.intn(900))),
			Recurring: flagString(recurring), Referrer: ref, SaleID: saleID, Status: "deposited",
			Timestamp: at.Format(tsLayout), VendorID: g.st.Company.VendorID,
			VendorOrderID: sp(strconv.Itoa(orderNo + n - 1)),
		}
		var subtotal int64
		for _, pid := range p.products {
			li := g.productLine(p, saleID, invID, customerID, billMethod, pid, n, at)
			subtotal += moneyOf(li.CustomerAmount)
			inv.Lineitems = append(inv.Lineitems, li)
		}
		if tangible {
			// As recorded (admin-api.md 4.1): the Tax Fee before the
			// Shipping Fee, which comes last.
			if ctry.code2 == "US" && (r.chance(60) || p.tax) {
				inv.Lineitems = append(inv.Lineitems, g.feeLine(saleID, invID, customerID, billMethod, taxFeeName, subtotal*7/100, at))
			}
			inv.Lineitems = append(inv.Lineitems, g.feeLine(saleID, invID, customerID, billMethod, shippingFeeName, method.fee, at))
		}
		var total int64
		for _, li := range inv.Lineitems {
			total += moneyOf(li.CustomerAmount)
		}
		inv.UsdTotal, inv.CustomerTotal, inv.VendorTotal = formatCents(total), formatCents(total), formatCents(total)
		inv.Fees2CO = formatCents(0)
		if total > 0 {
			inv.Fees2CO = formatCents(total*55/1000 + 45)
		}
		if tangible {
			inv.Shipping = &shippingWire{
				Address1: street, Address2: addr2, City: cityName, CountryCode: ctry.code3, CountryName: ctry.name,
				InvoiceID: invID, PostalCode: c.postal, ShippingAddressID: g.id(), ShippingID: g.id(),
				ShippingMethodID: method.id, ShippingMethodName: method.name, ShippingName: name, State: c.state,
			}
			g.ship(p, n, inv, method, at)
		} else if at.After(seedEnd.Add(-depositDelay)) {
			// Captured, not deposited yet.
			setDeposited(inv, nil)
			inv.Status = "pending"
		}
		inv.PayoutStatus = "Pending Capture"
		sale.Invoices = append(sale.Invoices, inv)
	}
	authDays := cardAuthDays
	if p.paypal {
		authDays = paypalAuthDays
	}
	rec.AuthExp = at.AddDate(0, 0, authDays).Format(dateLayout)
	g.finishRecurring(p, rec, at, months, days)
	g.refund(p, rec, at)
	if fraud == "fail" {
		// A failed review cancels the order: the invoice is declined and
		// refunded in full (INS: Refund Issued replaces 1.0's Order
		// Cancelled).
		for _, inv := range sale.Invoices {
			inv.Status = "declined"
			setDeposited(inv, nil)
			addRefundLine(g.st, inv, moneyOf(inv.UsdTotal), nil, p.at.Add(2*time.Hour))
		}
	}
	ts := p.at
	for _, text := range p.comments {
		ts = ts.Add(time.Duration(1+r.intn(20)) * time.Hour)
		if ts.After(seedEnd) {
			ts = seedEnd
		}
		sale.Comments = append(sale.Comments, commentWire{ChangedByIP: "203.0.113.7", Comment: text,
			Timestamp: ts.Format(tsLayout), Username: seedAPIUser})
	}
	// detail_sale lists comments newest first.
	slices.SortStableFunc(sale.Comments, func(a, b commentWire) int { return strings.Compare(b.Timestamp, a.Timestamp) })
	return rec
}

// depositDelay is how long after capture an invoice is deposited.
const depositDelay = 48 * time.Hour

// setDeposited sets the deposit date of every line item's billing.
func setDeposited(inv *invoiceWire, day *string) {
	for _, li := range inv.Lineitems {
		li.Billing.DateDeposited = day
	}
}

// productLine builds a product line item, with one value picked for each
// option of the product.
func (g *gen) productLine(p plan, saleID, invID, customerID, billMethod, pid string, installment int, at time.Time) *lineitemWire {
	prod := g.products[pid]
	liID := g.id()
	amount := moneyOf(prod.Price)
	opts := []lineitemOptionWire{}
	for _, oid := range prod.OptionIDs {
		o := g.options[oid]
		v := pick(g.r, o.OptionValues)
		amount += moneyOf(v.OptionValueSurcharge)
		opts = append(opts, lineitemOptionWire{
			CustomerSurcharge: v.OptionValueSurcharge, LineitemID: liID, LineitemOptionID: g.id(),
			OptionName: o.OptionName, OptionValue: v.OptionValueName, UsdSurcharge: v.OptionValueSurcharge,
			VendorSurcharge: v.OptionValueSurcharge,
		})
	}
	tangible := "N"
	var handling *string
	if prod.Tangible {
		tangible, handling = "Y", prod.Handling
	}
	amt := formatCents(amount)
	li := &lineitemWire{
		CustomerAmount: amt, Installment: sp(strconv.Itoa(installment)), InvoiceID: invID, LineitemID: liID,
		Options: opts, ProductDescription: derefOr(prod.Description, ""), ProductDuration: prod.Duration,
		ProductHandling: handling, ProductID: sp(prod.ProductID), ProductIsCart: "0", ProductName: prod.Name,
		ProductPrice: prod.Price, ProductRecurrence: prod.Recurrence, ProductStartupFee: prod.StartupFee,
		ProductTangible: tangible, SaleID: saleID, Status: "bill", Type: "product", UsdAmount: amt,
		VendorAmount: amt, VendorProductID: sp(prod.VendorProductID),
	}
	if prod.Commission {
		li.CommissionType, li.CommissionPercentage = prod.CommissionType, prod.CommissionAmount
	}
	li.Billing = g.billing(liID, customerID, billMethod, amt, at)
	return li
}

// Names of the fee line items, as recorded.
const (
	taxFeeName      = "Tax Fee"
	shippingFeeName = "Shipping Fee"
)

// feeLine builds a Tax Fee or Shipping Fee line item exactly as the 2017
// recording shows them (admin-api.md 4.1): type "product" like any item,
// but no vendor_product_id, product_id, installment, duration, recurrence
// or startup fee, and a billing that ended when it was collected (date_end
// = date_fail, date_next null).
func (g *gen) feeLine(saleID, invID, customerID, billMethod, name string, cents int64, at time.Time) *lineitemWire {
	liID := g.id()
	amt := formatCents(cents)
	b := g.billing(liID, customerID, billMethod, amt, at)
	b.DateEnd = b.DateFail
	return &lineitemWire{
		Billing: b, CustomerAmount: amt, InvoiceID: invID, LineitemID: liID, Options: []lineitemOptionWire{},
		ProductIsCart: "0", ProductName: name, ProductPrice: amt, ProductTangible: "N", SaleID: saleID,
		Status: "bill", Type: "product", UsdAmount: amt, VendorAmount: amt,
	}
}

// feeLineitem is the id of the invoice's fee line item of that name.
func feeLineitem(inv *invoiceWire, name string) string {
	for _, li := range inv.Lineitems {
		if isFeeLine(li) && li.ProductName == name {
			return li.LineitemID
		}
	}
	return ""
}

// billing is a line item's billing as the recording shows it: started two
// days after the order, failing (for a retry) a week after it.
func (g *gen) billing(liID, customerID, billMethod, amt string, at time.Time) billingWire {
	return billingWire{
		Amount: amt, BillMethod: billMethod, BillingID: g.id(), CustomerAmount: amt, CustomerID: customerID,
		DateDeposited: sp(at.Add(depositDelay).Format(dateLayout)), DateFail: sp(at.AddDate(0, 0, 7).Format(dateLayout)),
		DateStart: sp(at.AddDate(0, 0, 2).Format(dateLayout)), LineitemID: liID, Status: "bill",
		UsdAmount: amt, VendorAmount: amt,
	}
}

// ship decides whether invoice n of a tangible sale has shipped and, if
// so, fills in the carrier's tracking data. A shipped invoice is captured at
// shipping and deposited a day later.
func (g *gen) ship(p plan, n int, inv *invoiceWire, m shipMethod, at time.Time) {
	shipped := n <= p.shipped
	if p.shipped < 0 {
		recent := at.After(seedEnd.AddDate(0, 0, -7))
		shipped = !recent && g.r.chance(96)
	}
	shipDay := at.AddDate(0, 0, 1+g.r.intn(3))
	if shipDay.After(seedEnd) {
		shipped = false
	}
	if !shipped {
		inv.Status = "approved"
		if p.pending {
			inv.Status = "pending"
		}
		setDeposited(inv, nil)
		return
	}
	tn, url := g.tracking(m)
	d := shipDay.Format(dateLayout)
	inv.DateShipped = sp(d)
	inv.Shipping.DateShipped, inv.Shipping.TrackingNumber, inv.Shipping.TrackingURL = sp(d), sp(tn), sp(url)
	if dep := shipDay.AddDate(0, 0, 1); dep.After(seedEnd) {
		inv.Status = "pending"
		setDeposited(inv, nil)
	} else {
		setDeposited(inv, sp(dep.Format(dateLayout)))
	}
}

func (g *gen) tracking(m shipMethod) (string, string) {
	r := g.r
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.intn(10))
		}
		return string(b)
	}
	switch m.carrier {
	case "ups":
		tn := "1Z" + fmt.Sprintf("%03d", r.intn(1000)) + string(rune('A'+r.intn(26))) + string(rune('A'+r.intn(26))) + digits(11)
		return tn, "https://www.ups.com/track?tracknum=" + tn
	case "usps":
		tn := "9400" + digits(18)
		return tn, "https://tools.usps.com/go/TrackConfirmAction?tLabels=" + tn
	case "fedex":
		tn := digits(12)
		return tn, "https://www.fedex.com/fedextrack/?trknbr=" + tn
	}
	tn := digits(10)
	return tn, "https://www.dhl.com/en/express/tracking.html?AWB=" + tn
}

// finishRecurring sets the recurring state on the last invoice's product
// line items; earlier installments no longer recur.
func (g *gen) finishRecurring(p plan, rec *saleRec, last time.Time, months, days int) {
	if p.kind != kindRecurring && p.kind != kindTangibleSub {
		return
	}
	lastInv := rec.Sale.Invoices[len(rec.Sale.Invoices)-1]
	for _, li := range lastInv.Lineitems {
		if li.Type != "product" || li.ProductRecurrence == nil {
			continue
		}
		b := &li.Billing
		next := last.AddDate(0, months, days)
		switch p.recur {
		case "stopped":
			end := last.AddDate(0, 0, 3)
			if end.After(seedEnd) {
				end = seedEnd
			}
			b.RecurringStatus, b.DateEnd = sp("stopped"), sp(end.Format(dateLayout))
			rec.Sale.Comments = append(rec.Sale.Comments, commentWire{ChangedByIP: "203.0.113.7",
				Comment: "Recurring billing stopped for " + li.ProductName, Timestamp: end.Add(10 * time.Hour).Format(tsLayout),
				Username: seedAPIUser})
		case "declined":
			b.RecurringStatus, b.DateNext = sp("active"), sp(next.Format(dateLayout))
			fail := last.AddDate(0, 0, 1)
			if fail.After(seedEnd) {
				fail = seedEnd
			}
			b.DateFail = sp(fail.Format(dateLayout))
			rec.Sale.RecurringDecline = &recurringDeclineWire{
				DateDeclined: fail.Format(dateLayout), DateUpdated: fail.Format(tsLayout),
				DeclineCode: pick(g.r, []string{"05", "51", "54"}), PayMethod: "credit_card",
				Retries: strconv.Itoa(1 + g.r.intn(3)), SaleID: rec.Sale.SaleID,
			}
		default:
			b.RecurringStatus, b.DateNext = sp("active"), sp(next.Format(dateLayout))
		}
	}
}

// refund applies a seeded refund to the first invoice, with the comment
// the service writes for it: the whole invoice, 20.00 of it, or its second
// product line item.
func (g *gen) refund(p plan, rec *saleRec, at time.Time) {
	if p.refund == "" {
		return
	}
	inv := rec.Sale.Invoices[0]
	total := moneyOf(inv.UsdTotal)
	if total < 2 {
		return
	}
	reason := pick(g.r, []string{"Customer changed their mind", "Duplicate order", "Item arrived damaged", "Billed in error"})
	when := at.Add(26 * time.Hour)
	if when.After(seedEnd) {
		when = seedEnd
	}
	comment := "Refund Issued On Invoice: " + reason
	switch p.refund {
	case "lineitem":
		li := inv.Lineitems[len(inv.Lineitems)-1]
		for _, x := range inv.Lineitems {
			if x.Type == "product" && !isFeeLine(x) && x != inv.Lineitems[0] {
				li = x
				break
			}
		}
		refundLineitemIn(g.st, inv, li, when)
		comment = "Refund Issued On Lineitem: " + reason
	case "partial":
		amount := int64(2000)
		if amount >= total {
			amount = total / 2
		}
		addRefundLine(g.st, inv, amount, nil, when)
	default:
		addRefundLine(g.st, inv, total, nil, when)
	}
	rec.Sale.Comments = append(rec.Sale.Comments, commentWire{ChangedByIP: "203.0.113.7",
		Comment: comment, Timestamp: when.Format(tsLayout), Username: seedAPIUser})
}
