package sandbox

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // INS times are U.S. Eastern; distroless images may lack the zone files
)

// INS message types the sandbox sends (ins.md).
const (
	INSOrderCreated         = "ORDER_CREATED"
	INSFraudStatusChanged   = "FRAUD_STATUS_CHANGED"
	INSShipStatusChanged    = "SHIP_STATUS_CHANGED"
	INSInvoiceStatusChanged = "INVOICE_STATUS_CHANGED"
	INSRefundIssued         = "REFUND_ISSUED"
	INSRecurringStopped     = "RECURRING_STOPPED"
)

// insDescriptions are the message_description texts of the legacy INS user
// guide's examples (revision 1.1, one page per message), ORDER_CREATED's as
// ins.md shows it.
var insDescriptions = map[string]string{
	INSOrderCreated:         "New order created",
	INSFraudStatusChanged:   "Order fraud status changed",
	INSShipStatusChanged:    "Order ship status changed",
	INSInvoiceStatusChanged: "Invoice status changed",
	INSRefundIssued:         "Refund issued",
	INSRecurringStopped:     "Recurring order stopped",
}

// insItemLevel marks the item-level messages: they carry only the item they
// concern (item_count 1). The guide and the vendor's later pages say so of
// Refund Issued too ("sent once for each refund item issued ... will only
// contain information about that item"), although ins.md lists it as
// invoice-level; the vendor's pages win.
var insItemLevel = map[string]bool{INSRefundIssued: true, INSRecurringStopped: true}

// Delivery states of a recorded message.
const (
	insPending = "pending" // waiting for its first or next attempt
	insSent    = "sent"    // the receiver answered 2xx
	insFailed  = "failed"  // gave up after maxINSAttempts
	insDropped = "dropped" // lost on purpose by the drop fault
	insUnsent  = "unsent"  // no INS URL was configured when it happened
)

// maxINSAttempts bounds the retries: the first attempt and then one after
// each of insBackoff's delays, about ten and a half hours in all.
const maxINSAttempts = 8

// insBackoff are the delays before the 2nd, 3rd... attempt.
var insBackoff = []time.Duration{15 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour}

// insHistory bounds how many finished messages the state keeps (pending
// ones are always kept).
const insHistory = 1000

// insState is the INS part of the sandbox state: the merchant's message
// counter and every recorded message, oldest first.
type insState struct {
	NextMessageID int64          `json:"next_message_id"`
	Messages      []*insDelivery `json:"messages"`
	byID          map[int64]*insDelivery
}

// insDelivery is one message and how its delivery went. Params hold the
// message exactly as posted, in order.
type insDelivery struct {
	MessageID   int64       `json:"message_id"`
	Type        string      `json:"message_type"`
	SaleID      string      `json:"sale_id"`
	InvoiceID   string      `json:"invoice_id"`
	Params      [][2]string `json:"params"`
	Status      string      `json:"status"`
	Attempts    int         `json:"attempts"`
	Posts       int         `json:"posts"` // answered 2xx, duplicates included
	CreatedAt   string      `json:"created_at"`
	NextAttempt string      `json:"next_attempt,omitempty"`
	SentAt      string      `json:"sent_at,omitempty"`
	LastError   string      `json:"last_error,omitempty"`
}

// body is the form-encoded POST body, parameters in the documented order.
func (d *insDelivery) body() string {
	var b strings.Builder
	for i, kv := range d.Params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv[1]))
	}
	return b.String()
}

// INSDelivery is a message the sandbox recorded, for tests and the control
// endpoint.
type INSDelivery struct {
	MessageID int64  `json:"message_id"`
	Type      string `json:"message_type"`
	SaleID    string `json:"sale_id"`
	InvoiceID string `json:"invoice_id"`
	// Status is pending, sent, failed (gave up), dropped (the drop fault)
	// or unsent (no INS URL configured).
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
	// Posts counts the POSTs the receiver answered 2xx: more than one when
	// the duplicate fault repeated it.
	Posts       int       `json:"posts"`
	CreatedAt   time.Time `json:"created_at"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	// Body is the form-encoded body as posted.
	Body string `json:"body"`
}

// Param returns one parameter of the message, "" when absent.
func (d INSDelivery) Param(name string) string {
	v, _ := url.ParseQuery(d.Body)
	return v.Get(name)
}

func (d *insDelivery) view() INSDelivery {
	ts := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	return INSDelivery{MessageID: d.MessageID, Type: d.Type, SaleID: d.SaleID, InvoiceID: d.InvoiceID, Status: d.Status,
		Attempts: d.Attempts, Posts: d.Posts, CreatedAt: ts(d.CreatedAt), NextAttempt: ts(d.NextAttempt), SentAt: ts(d.SentAt),
		LastError: d.LastError, Body: d.body()}
}

// eastern is U.S. Eastern time, in which INS sends every time.
var eastern = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic("sandbox: no America/New_York zone: " + err.Error())
	}
	return loc
}()

// insTimestamp formats a moment as INS does: "YYYY-MM-DD HH:MM:SS EST" (or
// EDT in summer).
func insTimestamp(t time.Time) string { return t.In(eastern).Format("2006-01-02 15:04:05 MST") }

// insDate is the Eastern day of an API timestamp (stored in UTC).
func insDate(utc string) string {
	t, err := time.Parse(tsLayout, utc)
	if err != nil {
		return ""
	}
	return t.In(eastern).Format(dateLayout)
}

// insHash is md5_hash: UPPERCASE(MD5(sale_id + vendor_id + invoice_id +
// secret word)), the four concatenated with nothing between them.
func insHash(saleID, vendorID, invoiceID, secret string) string {
	sum := md5.Sum([]byte(saleID + vendorID + invoiceID + secret))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// firstMessageID is where a new state's message counter starts: seconds
// since 2020 at creation, so a state created again later (or Reset) never
// reuses the message_ids a receiver already stored as seen.
func firstMessageID(now time.Time) int64 {
	return now.Unix() - time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
}

// insRecStatus maps a billing's recurring_status to INS's item_rec_status.
func insRecStatus(li *lineitemWire) string {
	if li.ProductRecurrence == nil || isRefundLine(li) {
		return ""
	}
	switch derefOr(li.Billing.RecurringStatus, "") {
	case "active":
		return "live"
	case "stopped":
		return "canceled"
	case "complete", "completed":
		return "completed"
	}
	return ""
}

// insParams builds a message: every common parameter in ins.md's order,
// then the numbered items. Item-level messages carry the common set too
// (ins.md; the guide's item-level examples leave out the six invoice
// figures, but every receiver must accept them, and fraud_status is what
// the panel needs).
func (st *state) insParams(typ string, messageID int64, rec *saleRec, inv *invoiceWire, items []*lineitemWire, now time.Time) [][2]string {
	s, cu := rec.Sale, rec.Sale.Customer
	payType := "credit card"
	if cu.PayMethod.Method == "paypal" {
		payType = "paypal ec"
	}
	shipStatus, ship := "", &shippingWire{}
	if invoiceTangible(inv) {
		shipStatus = "not_shipped"
		if inv.DateShipped != nil {
			shipStatus = "shipped"
		}
		if inv.Shipping != nil {
			ship = inv.Shipping
		}
	}
	p := [][2]string{
		{"message_type", typ},
		{"message_description", insDescriptions[typ]},
		{"timestamp", insTimestamp(now)},
		{"md5_hash", insHash(s.SaleID, st.Company.VendorID, inv.InvoiceID, st.Company.SecretWord)},
		{"message_id", strconv.FormatInt(messageID, 10)},
		{"key_count", ""}, // filled in below
		{"vendor_id", st.Company.VendorID},
		{"sale_id", s.SaleID},
		{"sale_date_placed", insDate(s.DatePlaced)},
		{"vendor_order_id", derefOr(inv.VendorOrderID, "")},
		{"invoice_id", inv.InvoiceID},
		{"recurring", inv.Recurring},
		{"payment_type", payType},
		{"list_currency", st.Company.CurrencyCode},
		{"cust_currency", st.Company.CurrencyCode},
		{"auth_exp", rec.AuthExp},
		{"invoice_status", inv.Status},
		{"fraud_status", rec.FraudStatus},
		{"invoice_list_amount", inv.VendorTotal},
		{"invoice_usd_amount", inv.UsdTotal},
		{"invoice_cust_amount", inv.CustomerTotal},
		{"customer_first_name", cu.FirstName},
		{"customer_last_name", cu.LastName},
		{"customer_name", inv.CustomerName},
		{"customer_email", cu.EmailAddress},
		{"customer_phone", cu.Phone},
		{"customer_ip", s.IPAddress},
		{"customer_ip_country", s.IPCountry},
		{"bill_street_address", cu.Address1},
		{"bill_street_address2", derefOr(cu.Address2, "")},
		{"bill_city", cu.City},
		{"bill_state", cu.State},
		{"bill_postal_code", cu.PostalCode},
		{"bill_country", cu.CountryCode},
		{"ship_status", shipStatus},
		{"ship_tracking_number", derefOr(ship.TrackingNumber, "")},
		{"ship_name", ship.ShippingName},
		{"ship_street_address", ship.Address1},
		{"ship_street_address2", derefOr(ship.Address2, "")},
		{"ship_city", ship.City},
		{"ship_state", ship.State},
		{"ship_postal_code", ship.PostalCode},
		{"ship_country", ship.CountryCode},
		{"item_count", strconv.Itoa(len(items))},
	}
	for i, li := range items {
		n := "_" + strconv.Itoa(i+1)
		typ, recAmount, installs := "bill", "", ""
		if isRefundLine(li) {
			typ = "refund"
		}
		if li.ProductRecurrence != nil && !isRefundLine(li) {
			recAmount, installs = li.Billing.Amount, derefOr(li.Installment, "")
		}
		p = append(p,
			[2]string{"item_name" + n, li.ProductName},
			[2]string{"item_id" + n, derefOr(li.VendorProductID, "")},
			[2]string{"item_list_amount" + n, li.VendorAmount},
			[2]string{"item_usd_amount" + n, li.UsdAmount},
			[2]string{"item_cust_amount" + n, li.CustomerAmount},
			[2]string{"item_type" + n, typ},
			[2]string{"item_duration" + n, derefOr(li.ProductDuration, "")},
			[2]string{"item_recurrence" + n, derefOr(li.ProductRecurrence, "")},
			[2]string{"item_rec_list_amount" + n, recAmount},
			[2]string{"item_rec_status" + n, insRecStatus(li)},
			[2]string{"item_rec_date_next" + n, derefOr(li.Billing.DateNext, "")},
			[2]string{"item_rec_install_billed" + n, installs},
		)
	}
	p[5][1] = strconv.Itoa(len(p)) // key_count counts every parameter, itself included
	return p
}

// insEvent records one message about inv of rec as of now. Invoice-level
// messages carry every line item of the invoice; item-level ones the item
// given. The message is "pending" when an INS URL is set, else "unsent".
// The caller holds the write lock; the message is persisted with the change
// that caused it.
func (s *Sandbox) insEvent(typ string, rec *saleRec, inv *invoiceWire, item *lineitemWire, now time.Time) *insDelivery {
	st := s.st
	items := inv.Lineitems
	if insItemLevel[typ] && item != nil {
		items = []*lineitemWire{item}
	}
	if st.INS.NextMessageID == 0 {
		st.INS.NextMessageID = firstMessageID(now)
	}
	id := st.INS.NextMessageID
	st.INS.NextMessageID++
	d := &insDelivery{MessageID: id, Type: typ, SaleID: rec.Sale.SaleID, InvoiceID: inv.InvoiceID,
		Params: st.insParams(typ, id, rec, inv, items, now), Status: insUnsent, CreatedAt: now.UTC().Format(time.RFC3339Nano)}
	if s.insURL != "" {
		d.Status, d.NextAttempt = insPending, d.CreatedAt
	}
	st.INS.Messages = append(st.INS.Messages, d)
	st.INS.index()[id] = d
	st.INS.prune()
	s.insQueued = true
	return d
}

func (is *insState) index() map[int64]*insDelivery {
	if is.byID == nil {
		is.byID = make(map[int64]*insDelivery, len(is.Messages))
		for _, d := range is.Messages {
			is.byID[d.MessageID] = d
		}
	}
	return is.byID
}

// prune drops the oldest finished messages beyond insHistory.
func (is *insState) prune() {
	extra := len(is.Messages) - insHistory
	if extra <= 0 {
		return
	}
	is.Messages = slices.DeleteFunc(is.Messages, func(d *insDelivery) bool {
		if extra > 0 && d.Status != insPending {
			extra--
			delete(is.index(), d.MessageID)
			return true
		}
		return false
	})
}

// INSDeliveries returns every recorded message, oldest first (at most the
// last 1000 finished ones, and all pending ones).
func (s *Sandbox) INSDeliveries() []INSDelivery {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]INSDelivery, 0, len(s.st.INS.Messages))
	for _, d := range s.st.INS.Messages {
		out = append(out, d.view())
	}
	return out
}

// FraudStatus returns the fraud review status the sandbox keeps for a sale
// ("pass", "wait" or "fail"; "" for an unknown sale). The Admin API never
// shows it; INS messages carry it.
func (s *Sandbox) FraudStatus(saleID string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rec := s.idx.sales[saleID]; rec != nil {
		return rec.FraudStatus
	}
	return ""
}

// INSEvent asks SendINS for one message about a sale.
type INSEvent struct {
	// Type is one of the INS* message types.
	Type   string
	SaleID string
	// InvoiceID picks the invoice; default the sale's last.
	InvoiceID string
	// LineitemID is the item of an item-level message: the stopped line item
	// of RECURRING_STOPPED (default the invoice's first recurring one), the
	// refund item of REFUND_ISSUED (default the invoice's last refund).
	LineitemID string
	// FraudStatus, for FRAUD_STATUS_CHANGED, is the new status (pass, wait
	// or fail) and changes the sale's; empty sends the current one. A fail
	// cancels the order as the service does: the invoice is declined and
	// refunded, with those messages too.
	FraudStatus string
}

// SendINS records one message about a sale as of now and, when an INS URL
// is configured, delivers it at once (with the INS faults), returning how
// that went. It is the hook tests and demos use to make an event happen.
func (s *Sandbox) SendINS(ctx context.Context, ev INSEvent) (INSDelivery, error) {
	s.mu.Lock()
	d, err := s.sendINSLocked(ev)
	if err == nil {
		if perr := s.persistLocked(); perr != nil {
			err = fmt.Errorf("sandbox: saving the state: %s", perr.Message)
		}
	}
	s.mu.Unlock()
	if err != nil {
		return INSDelivery{}, err
	}
	if s.insURL != "" {
		s.deliverIDs(ctx, []int64{d.MessageID}, false)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if cur := s.st.INS.index()[d.MessageID]; cur != nil {
		return cur.view(), nil
	}
	return d.view(), nil
}

func (s *Sandbox) sendINSLocked(ev INSEvent) (*insDelivery, error) {
	rec := s.idx.sales[ev.SaleID]
	if rec == nil {
		return nil, fmt.Errorf("sandbox: no sale %q", ev.SaleID)
	}
	inv := rec.Sale.Invoices[len(rec.Sale.Invoices)-1]
	if ev.InvoiceID != "" {
		ref, found := s.idx.invoices[ev.InvoiceID]
		if !found || ref.sale != rec {
			return nil, fmt.Errorf("sandbox: no invoice %q in sale %s", ev.InvoiceID, ev.SaleID)
		}
		inv = ref.inv
	}
	var item *lineitemWire
	if ev.LineitemID != "" {
		ref, found := s.idx.lineitems[ev.LineitemID]
		if !found || ref.inv != inv {
			return nil, fmt.Errorf("sandbox: no line item %q in invoice %s", ev.LineitemID, inv.InvoiceID)
		}
		item = ref.li
	}
	now := s.now().UTC()
	switch ev.Type {
	case INSOrderCreated, INSShipStatusChanged, INSInvoiceStatusChanged:
	case INSFraudStatusChanged:
		switch ev.FraudStatus {
		case "":
		case "pass", "wait":
			rec.FraudStatus = ev.FraudStatus
		case "fail":
			if rec.FraudStatus != "fail" {
				d := s.failFraud(rec, now)
				return d, nil
			}
		default:
			return nil, fmt.Errorf("sandbox: fraud status %q: want pass, wait or fail", ev.FraudStatus)
		}
	case INSRefundIssued:
		if item == nil {
			for _, li := range inv.Lineitems {
				if isRefundLine(li) {
					item = li
				}
			}
		}
		if item == nil || !isRefundLine(item) {
			return nil, fmt.Errorf("sandbox: invoice %s has no such refund", inv.InvoiceID)
		}
	case INSRecurringStopped:
		if item == nil {
			for _, li := range inv.Lineitems {
				if li.ProductRecurrence != nil && li.Type == "product" {
					item = li
					break
				}
			}
		}
		if item == nil || item.ProductRecurrence == nil {
			return nil, fmt.Errorf("sandbox: invoice %s has no such recurring line item", inv.InvoiceID)
		}
	default:
		return nil, fmt.Errorf("sandbox: message type %q is not one the sandbox sends", ev.Type)
	}
	return s.insEvent(ev.Type, rec, inv, item, now), nil
}

// failFraud records a failed fraud review: the order is cancelled, so its
// invoices are declined and refunded in full, with FRAUD_STATUS_CHANGED,
// INVOICE_STATUS_CHANGED and REFUND_ISSUED. It returns the first message.
func (s *Sandbox) failFraud(rec *saleRec, now time.Time) *insDelivery {
	rec.FraudStatus = "fail"
	first := s.insEvent(INSFraudStatusChanged, rec, rec.Sale.Invoices[len(rec.Sale.Invoices)-1], nil, now)
	for _, inv := range rec.Sale.Invoices {
		if inv.Status == "declined" {
			continue
		}
		inv.Status = "declined"
		setDeposited(inv, nil)
		s.insEvent(INSInvoiceStatusChanged, rec, inv, nil, now)
		if left := remaining(inv); left > 0 {
			li := addRefundLine(s.st, inv, left, nil, now)
			s.idx.lineitems[li.LineitemID] = lineRef{rec, inv, li}
			s.insEvent(INSRefundIssued, rec, inv, li, now)
		}
	}
	return first
}
