package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// The seed is a pure function of LargeCatalog and the creation day: no map
// order, and a PRNG of our own (splitmix64) so that no Go release can
// change it. The clock only moves dates, by whole days, at the end.

type prng struct{ s uint64 }

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *prng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func (r *prng) intn(n int) int { return int(r.next() % uint64(n)) }

// chance is true with probability pct/100.
func (r *prng) chance(pct int) bool { return r.intn(100) < pct }

func pick[T any](r *prng, xs []T) T { return xs[r.intn(len(xs))] }

const (
	defaultVendorID = "1311348"
	seedFirstID     = 9800000000
)

// seedState builds the starting state as of now: everything is generated
// in the reference frame (refDay), then its dates are moved to now's day.
func seedState(largeCatalog int, now time.Time) *state {
	st := &state{Version: stateVersion, NextID: seedFirstID}
	st.Company = seedCompany()
	st.Contact = seedContact()
	st.Options = seedOptions()
	st.Products = seedProducts()
	for _, p := range st.Products {
		st.NextAssigned = max(st.NextAssigned, p.AssignedID+1)
	}
	st.Coupons = seedCoupons()
	st.Foreign = foreignRecords{
		Sales:    []string{"4839284412"},
		Products: []string{"3000000001"},
		Options:  []string{"3000000002"},
		Coupons:  []string{"OTHER-VENDOR-10"},
	}
	seedSales(st)
	seedPayouts(st)
	st.Fixtures.HostileProduct = hostileProductID
	st.Fixtures.ForbiddenSale = st.Foreign.Sales[0]
	st.Fixtures.ForbiddenProduct = st.Foreign.Products[0]
	st.Fixtures.ForbiddenOption = st.Foreign.Options[0]
	st.Fixtures.ForbiddenCoupon = st.Foreign.Coupons[0]
	// Generated after the sales, so the sales are the same with or
	// without a large catalog.
	addLargeCatalog(st, largeCatalog)
	shiftDates(st, daysFromRef(now))
	st.CreatedAt = now.UTC().Format(time.RFC3339)
	st.INS.NextMessageID = firstMessageID(now)
	st.Fixtures.CreatedAt = st.CreatedAt
	return st
}

// seedCompany is the seed page's complete example.
func seedCompany() companyInfo {
	return companyInfo{
		AffiliateURL:     "http://www.fake-company.com",
		CurrencyCode:     "USD",
		CurrencyName:     "US Dollars",
		CurrencySymbol:   "$",
		Demo:             "P",
		PendingReturnURL: "http://www.fake-company.com",
		ReturnMethod:     "1",
		ReturnURL:        "http://www.fake-company.com",
		SecretWord:       "wh1sky",
		SiteCategory:     "Electronics",
		SiteDescription:  "Fake company for testing!",
		SiteTitle:        "Fake Company",
		SoftDescriptor:   "Test",
		URL:              "www.fake-company.com",
		VendorID:         "1234567",
		VendorName:       "Fake Company",
	}
}

// seedContact is the seed page's complete example, its quirks included.
func seedContact() contactInfo {
	return contactInfo{
		AccountLevelID:          "3",
		CustomerServiceEmail:    "support@fake-company.com",
		CustomerServicePhone:    "555-555-5555",
		CustomerServicePhoneExt: sp("null"),
		MailingAddress1:         "855 Grandview Avenue",
		MailingAddress2:         sp("Suite 11"),
		MailingAddressID:        "2436561523",
		MailingCity:             "Columbus",
		MailingCountryCode:      "USA",
		MailingPostalCode:       "43215",
		MailingState:            "OH",
		OfficeEmail:             "no-reply@fake-company.com",
		OfficePhone:             "555-555-5555",
		OfficePhoneExt:          nil,
		PhysicalAddress1:        "855 Grandview Avenue",
		PhysicalAddress2:        sp("Suite 11"),
		PhysicalAddressID:       "2436561526",
		PhysicalCity:            "Columbus",
		PhysicalCountryCode:     "USA",
		PhysicalPostalCode:      "43215",
		PhysicalState:           "OH",
		VendorID:                "123456",
	}
}

// categoryTable holds the categories product category_id may name: the ones
// the seed pages show (1, 17, 2, 80) and a few invented ones.
func categoryTable() []categoryWire {
	cat := func(id, name string, parent *categoryWire) categoryWire {
		c := categoryWire{CategoryID: id, Name: name}
		if parent != nil {
			c.ParentID, c.ParentName = sp(parent.CategoryID), sp(parent.Name)
		}
		return c
	}
	art := cat("1", "Art & Antiques", nil)
	biz := cat("2", "Business Solutions & Office Products", nil)
	elec := cat("3", "Computers & Electronics", nil)
	home := cat("4", "Home & Garden", nil)
	food := cat("5", "Food & Gourmet", nil)
	books := cat("6", "Books & Magazines", nil)
	edu := cat("80", "Education", nil)
	return []categoryWire{
		art, biz, elec, home, food, books, edu,
		cat("17", "Photography", &art),
		cat("31", "Audio & Headphones", &elec),
		cat("41", "Kitchen & Dining", &home),
		cat("61", "Digital Magazines", &books),
		cat("81", "Online Courses", &edu),
	}
}

func seedOptions() []*optionWire {
	opt := func(id, name string, values ...string) *optionWire {
		o := &optionWire{OptionID: id, OptionName: name}
		for i := 0; i < len(values); i += 3 {
			o.OptionValues = append(o.OptionValues, optionValueWire{
				OptionValueID: values[i], OptionValueName: values[i+1], OptionValueSurcharge: values[i+2],
			})
		}
		return o
	}
	return []*optionWire{
		opt("4023756741", "extra benefit",
			"4023756744", "full life coverage", "1.00",
			"4023756747", "half life coverage", "0.50",
			"4023756750", "extra lives coverage", "2.00"),
		opt("4688355343", "decibels",
			"4688355346", "150dB", "11.00",
			"4688441332", "200dB", "22.00",
			"4688441335", "250dB", "33.00"),
		opt("4688550010", "Volume",
			"4688550013", "Low", "1.00",
			"4688550016", "Medium", "2.00",
			"4688550019", "High", "3.00"),
		opt(colorOptionID, "Color",
			"4701000103", "Red", "0.00",
			"4701000106", "Blue", "0.00",
			"4701000109", "Matte Black", "1.50"),
		opt("4701000112", "Gift wrap",
			"4701000115", "No gift wrap", "0.00",
			"4701000118", "Gift wrap & card", "3.00"),
	}
}

// Ids of seeded products the sales generator refers to.
const (
	hostileProductID  = "4701000001"
	coffeeBoxID       = "4701000004"
	headphonesID      = "4701000007"
	mugID             = "4701000010"
	courseID          = "4701000013"
	colorOptionID     = "4701000100"
	casinoID          = "4654080950"
	exampleProductID  = "4504052346"
	classifiedID      = "4485343987"
	annualSubID       = "4485343981"
	yaTestID          = "4297596451"
	jarOfAirID        = "4297596160"
	buddhaID          = "4297595302"
	optionTestID      = "4274737762"
	forgedIronID      = "4257794737"
	aluminumID        = "4257793915"
	photoFrameID      = "4186286355"
	leadWeightsID     = "4166247708"
	magazineID        = "4124411144"
	brassRingID       = "3987434616"
	liveTestID        = "3970322775"
	apiProductID      = "4635212971"
	hostileCommentTxt = "Customer wrote: <b>please</b> gift-wrap & add a note \"Happy birthday!\" \u202Etxt.exe\u202C <script>alert('c')</script>"
)

// seedProducts: the 15 products of the seed list_products example and the
// "API product" of detail_product, exactly as recorded, then a few of our
// own: a hostile one for escaping tests, tangible ones with options, a
// tangible subscription and an affiliate (commission) product.
func seedProducts() []*productRec {
	type ps = *string
	n := ps(nil)
	mk := func(id string, assigned int, name, vpid string, desc, long ps, price string, tangible bool,
		weight, handling, recurrence, duration, pending ps, cats []string, opts []string) *productRec {
		p := &productRec{
			ProductID: id, AssignedID: assigned, VendorID: defaultVendorID, Name: name, VendorProductID: vpid,
			Description: desc, LongDescription: long, Price: price, Tangible: tangible, Weight: weight,
			Handling: handling, Recurring: recurrence != nil, Recurrence: recurrence, Duration: duration,
			PendingURL: pending, OptionIDs: opts, CategoryIDs: cats, Images: []imageWire{},
		}
		if p.OptionIDs == nil {
			p.OptionIDs = []string{}
		}
		if p.CategoryIDs == nil {
			p.CategoryIDs = []string{}
		}
		return p
	}
	zero := sp("0.00")
	month, week, forever := sp("1 Month"), sp("1 Week"), sp("Forever")
	empty := sp("")
	out := []*productRec{
		mk(liveTestID, 3, "Live Test Product", "LTP-003", sp("The Short Description"), sp("The Long Description"), "10.00", false, n, zero, n, n, n, []string{"2"}, nil),
		mk(brassRingID, 4, "Brass Ring", "BRSRNG", sp("A metallic ring"), sp("A hand-crafted ring produced from locally sourced material."), "1.00", true, sp("0.50"), zero, n, n, n, []string{"2"}, nil),
		mk(magazineID, 5, "Anonymous Online Magazine", "OMG-0001", n, n, "24.00", false, n, zero, month, forever, n, []string{"80"}, nil),
		mk(leadWeightsID, 6, "Lead weights", "LW-500", sp("Lead fishing weights"), sp("Exceptional lead fishing weights, not to be eaten under any circumstance."), "25.00", false, n, zero, n, n, n, nil, nil),
		mk(photoFrameID, 7, "Patriotic photo frame", "AFY", n, sp("photo frame with laser etched eagle motif."), "14.95", true, sp("1.00"), sp("1.00"), n, n, n, nil, nil),
		mk(aluminumID, 8, "Hexagonal aluminum extrusion", "HEX-001", n, n, "3490.00", true, sp("50.00"), zero, n, n, n, nil, nil),
		mk(forgedIronID, 9, "Hexagonal forged iron", "HEX-002", n, n, "0.00", false, n, zero, n, n, n, nil, nil),
		mk(optionTestID, 10, "OPTION TEST", "OP-T", sp("Product with options."), n, "100.00", false, n, zero, n, n, n, []string{"17"}, []string{"4688550010"}),
		mk(buddhaID, 11, "Buddha Painting (5x5)", "JHB55AAE", sp("Authentic painting."), n, "39.95", true, sp("2.00"), zero, n, n, empty, nil, nil),
		mk(jarOfAirID, 12, "Jar of Air", "J-A", sp("A small jar of air"), n, "50.00", false, n, zero, n, n, empty, nil, nil),
		mk(yaTestID, 13, "YA-TestProduct", "YA-TP", sp("Yet another test product."), sp("Yet another long description."), "1.00", false, n, zero, week, forever, empty, nil, nil),
		mk(annualSubID, 14, "Annual Subscription", "AS-12M", sp("12-month subscription"), sp("12-month subscription to the best magazine ever."), "29.00", false, n, zero, month, forever, empty, nil, nil),
		mk(classifiedID, 15, "Classified Ad 1 month", "One Month Ad", n, n, "29.00", false, n, zero, n, n, empty, nil, nil),
		mk(exampleProductID, 19, "Example Product", "123456789", sp("example short description"), sp("no"), "10.00", false, n, zero, month, forever, n, nil, nil),
		mk(casinoID, 23, "Casino Royale - Double Room", "DRT", sp("Rental for a Double Room in Casino Royale"), sp("Really cool."), "1.00", false, n, zero, n, n, n, nil, nil),

		mk(hostileProductID, 24, `<script>alert(1)</script> "Quoted" & <b>bold</b>`, `<i>XSS-1</i>`,
			sp(`"><img src=x onerror=alert(1)> <div hx-get="/users" hx-trigger="load">x</div>`),
			sp("{{.Secret}} ${7*7} <svg onload=alert(1)> ' OR '1'='1 -- \u202Egnp.exe"),
			"13.37", false, n, zero, n, n, sp(`https://example.com/"><script>alert(2)</script>`), nil, nil),
		mk(coffeeBoxID, 25, "Coffee Club Monthly Box", "COFFEE-BOX", sp("Freshly roasted beans, every month"),
			sp("Two 250 g bags of single-origin coffee, roasted the week they ship."), "24.00", true, sp("1.20"), sp("2.50"),
			month, forever, n, []string{"5"}, []string{"4701000112"}),
		mk(headphonesID, 26, "Studio Headphones", "HP-STUDIO", sp("Closed-back studio headphones"), n, "89.00", true,
			sp("0.80"), sp("4.00"), n, n, n, []string{"31"}, []string{"4688355343", "4688550010"}),
		mk(mugID, 27, "Zürich Café Mug — 350 ml", "MUG-ZH", sp("Stoneware mug, dishwasher safe"), n, "12.50", true,
			sp("0.45"), sp("1.50"), n, n, n, []string{"41"}, []string{colorOptionID, "4701000112"}),
		mk(courseID, 28, "Go Basics — video course", "COURSE-GO", sp("Self-paced video course"),
			sp("Twelve lessons, exercises and a certificate of completion."), "49.00", false, n, zero, n, n, n, []string{"81"}, nil),
	}
	api := mk(apiProductID, 2559, "API product", "", sp("An API created product"), n, "10.00", false, n, n, n, n, n, nil,
		[]string{"4023756741", "4688355343"})
	api.VendorID = "606917"
	hostile := out[15]
	hostile.ApprovedURL = sp("javascript:alert(1)")
	headphones := out[17]
	headphones.Images = []imageWire{{ImageID: "4701000201", ImageNumber: "1"}, {ImageID: "4701000204", ImageNumber: "2"}}
	course := out[19]
	course.Commission, course.CommissionType, course.CommissionAmount = true, sp("percentage"), sp("20.00")
	return append(out, api)
}

// seedCoupons, oldest first: list_coupons shows them newest first, which
// puts the recorded TESTPERCENT and APITEST002 at the top as recorded.
func seedCoupons() []*couponRec {
	bp := func(v int64) *int64 { return &v }
	all := func(c couponRec) *couponRec { c.SelectAll, c.ProductIDs = true, []string{}; return &c }
	some := func(c couponRec, ids ...string) *couponRec { c.ProductIDs = ids; return &c }
	return []*couponRec{
		all(couponRec{Code: "FREESHIP50", DateExpire: "2026-12-31", Type: "shipping", MinimumPurchase: "50.00"}),
		all(couponRec{Code: "SHIPFREE-JUNE", DateExpire: "2026-06-30", Type: "shipping", MinimumPurchase: "0.00"}),
		all(couponRec{Code: "SPRING_SALE", DateExpire: "2026-05-31", Type: "sale", PercentBP: bp(1500), MinimumPurchase: "0.00"}),
		all(couponRec{Code: "TENOFF", DateExpire: "2027-01-31", Type: "sale", ValueOff: sp("10.00"), MinimumPurchase: "50.00"}),
		some(couponRec{Code: "HEADPHONES-20", DateExpire: "2026-12-31", Type: "product", PercentBP: bp(2000), MinimumPurchase: "0.00"}, headphonesID),
		some(couponRec{Code: "MUG_5OFF", DateExpire: "2027-03-31", Type: "product", ValueOff: sp("5.00"), MinimumPurchase: "10.00"}, mugID),
		all(couponRec{Code: "ALLPRODUCTS10", DateExpire: "2026-12-31", Type: "product", PercentBP: bp(1000), MinimumPurchase: "0.00"}),
		all(couponRec{Code: "APIMODIFY002", DateExpire: "2099-12-22", Type: "sale", ValueOff: sp("5.00"), MinimumPurchase: "10.00"}),
		all(couponRec{Code: "APITEST002", DateExpire: "2012-12-31", Type: "sale", PercentBP: bp(500), MinimumPurchase: "5.00"}),
		some(couponRec{Code: "TESTPERCENT", DateExpire: "2013-06-30", Type: "product", PercentBP: bp(1000), MinimumPurchase: "1.00"}, optionTestID, jarOfAirID),
	}
}

// addLargeCatalog appends n generated products with varied names, prices
// and kinds, for load tests of the list screens.
func addLargeCatalog(st *state, n int) {
	if n <= 0 {
		return
	}
	r := &prng{s: 0x5eed0000 + uint64(n)}
	adjectives := []string{"Compact", "Deluxe", "Eco", "Ergonomic", "Heavy-duty", "Portable", "Premium", "Rustic", "Smart", "Vintage", "Wireless", "Handmade"}
	nouns := []string{"Desk Lamp", "Notebook", "Backpack", "Water Bottle", "Keyboard", "Tea Set", "Poster", "Course", "E-book", "Plant Pot", "Speaker", "Wallet"}
	for i := 1; i <= n; i++ {
		tangible := r.chance(40)
		p := &productRec{
			ProductID:       st.newID(),
			AssignedID:      st.NextAssigned,
			VendorID:        defaultVendorID,
			Name:            fmt.Sprintf("%s %s %04d", pick(r, adjectives), pick(r, nouns), i),
			VendorProductID: fmt.Sprintf("LT-%05d", i),
			Description:     sp("Generated for load tests"),
			Price:           formatCents(int64(99 + r.intn(49900))),
			Tangible:        tangible,
			Handling:        sp("0.00"),
			OptionIDs:       []string{},
			CategoryIDs:     []string{},
			Images:          []imageWire{},
		}
		if tangible {
			p.Weight = sp(formatCents(int64(10 + r.intn(500))))
		}
		if r.chance(10) {
			p.Recurring, p.Recurrence, p.Duration = true, sp("1 Month"), sp("Forever")
		}
		if r.chance(15) {
			p.OptionIDs = []string{pick(r, []string{"4688550010", colorOptionID, "4701000112"})}
		}
		if r.chance(30) {
			p.CategoryIDs = []string{pick(r, []string{"2", "3", "4", "6", "80"})}
		}
		st.NextAssigned++
		st.Products = append(st.Products, p)
	}
}

// fullName is how the API spells a customer in invoices and lists.
func fullName(first string, middle *string, last string) string {
	parts := []string{first}
	if middle != nil && *middle != "" {
		parts = append(parts, *middle)
	}
	return strings.Join(append(parts, last), " ")
}
