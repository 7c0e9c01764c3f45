package sandbox

import "time"

// daysFromRef is how many whole days now's UTC day is after refDay (negative
// before it).
func daysFromRef(now time.Time) int {
	d := now.UTC().Truncate(24 * time.Hour)
	return int(d.Sub(refDay).Round(time.Hour).Hours()) / 24
}

// shiftDates moves every date of the seeded sales and payments by days, so
// the state generated in the reference frame reads as of its real creation
// day. Coupon expiry dates are the documentation's (and the panel's tests')
// fixed examples and stay as they are.
func shiftDates(st *state, days int) {
	if days == 0 {
		return
	}
	// The generator shares some *string values between fields (a fee's
	// date_end is its date_fail), so each is moved once.
	seen := map[*string]bool{}
	s := func(v *string) {
		if v != nil && !seen[v] {
			seen[v] = true
			*v = shiftText(*v, days)
		}
	}
	for _, rec := range st.Sales {
		sl := rec.Sale
		s(&sl.DatePlaced)
		for i := range sl.Comments {
			s(&sl.Comments[i].Timestamp)
		}
		if d := sl.RecurringDecline; d != nil {
			s(&d.DateDeclined)
			s(&d.DateUpdated)
		}
		for _, inv := range sl.Invoices {
			s(&inv.DatePlaced)
			s(&inv.Timestamp)
			s(inv.DateShipped)
			s(inv.DateVendorPaid)
			if sh := inv.Shipping; sh != nil {
				s(sh.DateShipped)
			}
			for _, li := range inv.Lineitems {
				b := &li.Billing
				for _, f := range []*string{b.DateDeposited, b.DateEnd, b.DateFail, b.DateNext, b.DatePending, b.DateStart} {
					s(f)
				}
			}
		}
		s(&rec.AuthExp)
	}
	for i := range st.Payments {
		p := &st.Payments[i]
		s(p.DatePaid)
		s(p.DateReserveReleased)
		s(p.DateVoided)
	}
	s(&st.LastPayout)
}

// shiftText moves a "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" text by days;
// anything else (empty) is left alone.
func shiftText(v string, days int) string {
	for _, layout := range []string{tsLayout, dateLayout} {
		if len(v) != len(layout) {
			continue
		}
		if t, err := time.Parse(layout, v); err == nil {
			return t.AddDate(0, 0, days).Format(layout)
		}
	}
	return v
}
