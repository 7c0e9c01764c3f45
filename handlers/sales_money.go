package handlers

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/form"
	"backoffice/money"
	"backoffice/store"
	salespage "backoffice/templates/pages/sales"
)

// moneyAPI is what the money sections of the sale page, their writes and
// the approvals need of the Admin API.
type moneyAPI interface {
	companyAPI
	DetailSale(ctx context.Context, p apiclient.DetailSaleParams) (*apiclient.Sale, error)
	RefundInvoice(ctx context.Context, p apiclient.RefundInvoiceParams) (*apiclient.Result, error)
	RefundLineitem(ctx context.Context, p apiclient.RefundLineitemParams) (*apiclient.Result, error)
	StopLineitemRecurring(ctx context.Context, p apiclient.StopLineitemRecurringParams) (*apiclient.Result, error)
	Reauth(ctx context.Context, p apiclient.ReauthParams) (*apiclient.Result, error)
}

// refundStore is what refunds and their approvals need of the store.
type refundStore interface {
	CreateRefundRequest(ctx context.Context, r *store.RefundRequest) (*store.RefundRequest, bool, error)
	RefundRequestByID(ctx context.Context, id int64) (*store.RefundRequest, error)
	ClaimRefundRequest(ctx context.Context, id, approverID int64, at time.Time) (*store.RefundRequest, error)
	RejectRefundRequest(ctx context.Context, id, deciderID int64, reason string, at time.Time) (*store.RefundRequest, error)
	FinishRefundRequest(ctx context.Context, id int64, state, outcome string, at time.Time) error
	ListPendingRefundRequests(ctx context.Context, now time.Time, limit int) ([]store.RefundRequest, error)
	ListRefundRequestsBySale(ctx context.Context, saleID string, limit int) ([]store.RefundRequest, error)
	ListRefundRequestsByRequester(ctx context.Context, userID int64, limit int) ([]store.RefundRequest, error)
}

// userLister names the people in refund records.
type userLister interface {
	ListUsers(ctx context.Context) ([]store.User, error)
}

// saleMoney is what the sale page's money sections read: the API, the
// panel's own refund records, the account's currency and the approval
// policy (BACKOFFICE_REFUND_APPROVAL_OVER).
type saleMoney struct {
	api      moneyAPI
	refunds  refundStore
	users    userLister
	currency *accountCurrency
	policy   money.Policy
}

// accountCurrency is the account's currency code (detail_company_info),
// read at most every five minutes: refunds and payouts are in it, and the
// API names no currency on a sale.
type accountCurrency struct {
	api companyAPI
	now func() time.Time

	mu   sync.Mutex
	code string
	at   time.Time
}

// errNoCurrency: the account's details name no currency.
var errNoCurrency = errors.New("detail_company_info gave no currency_code")

// Code returns the account's currency code, e.g. "USD".
func (a *accountCurrency) Code(ctx context.Context) (string, error) {
	a.mu.Lock()
	if a.code != "" && a.now().Sub(a.at) < 5*time.Minute {
		defer a.mu.Unlock()
		return a.code, nil
	}
	a.mu.Unlock()
	co, err := a.api.CompanyInfo(ctx)
	if err != nil {
		return "", err
	}
	code := strings.ToUpper(strings.TrimSpace(co.CurrencyCode.Or("")))
	if !currencyCode(code) {
		return "", errNoCurrency
	}
	a.mu.Lock()
	a.code, a.at = code, a.now()
	a.mu.Unlock()
	return code, nil
}

// Label is the account's currency code for a page that shows prices, ""
// when it cannot be read now: the page still shows the amounts, and the
// reason goes to the log rather than failing the page.
func (a *accountCurrency) Label(ctx context.Context, log *slog.Logger) string {
	if a == nil || a.api == nil {
		return ""
	}
	code, err := a.Code(ctx)
	if err != nil {
		log.Warn("account currency for prices", "error", err)
		return ""
	}
	return code
}

// priceText is an amount from the API with the account's currency, e.g.
// "12.00 USD"; empty shows as empty; without a known currency, the amount
// says which currency it is in words.
func priceText(t apiclient.Text, currency, empty string) string {
	if t.Blank() || strings.TrimSpace(t.Value) == "" {
		return empty
	}
	amount := text(t)
	if currency == "" {
		return amount + " (account currency)"
	}
	return amount + " " + currency
}

// currencyCode accepts three letters A-Z, so API text never reaches a page
// or a stored record as a currency unless it looks like one.
func currencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// ledger is what the panel knows of one sale's money at one moment: the
// account's currency, the panel's own refunds and requests on it (newest
// first) and, from both and the sale, what is left to refund.
type ledger struct {
	currency string
	requests []store.RefundRequest
	rf       *money.Refundable
}

// ledger reads the panel's refunds of sale id and works out what is left.
func (m saleMoney) ledger(ctx context.Context, id string, sale *apiclient.Sale, now time.Time) (*ledger, error) {
	cur, err := m.currency.Code(ctx)
	if err != nil {
		return nil, err
	}
	reqs, err := m.refunds.ListRefundRequestsBySale(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	return &ledger{currency: cur, requests: reqs, rf: money.Assess(sale, now, cur, panelRefunds(reqs))}, nil
}

// panelRefunds are the refunds that count against what is left: those
// that moved money, or may have (money.PanelRefund).
func panelRefunds(reqs []store.RefundRequest) []money.PanelRefund {
	var out []money.PanelRefund
	for i := range reqs {
		r := &reqs[i]
		if r.MoneyMayHaveMoved() {
			out = append(out, money.PanelRefund{InvoiceID: r.InvoiceID, LineitemID: r.LineitemID, Cents: r.AmountCents,
				Confirmed: r.State == store.RefundApproved})
		}
	}
	return out
}

// byFormKey is the record a form with key created on this sale, or nil.
func (l *ledger) byFormKey(key string) *store.RefundRequest {
	for i := range l.requests {
		if l.requests[i].FormKey == key {
			return &l.requests[i]
		}
	}
	return nil
}

// names maps user ids to names, for the people in refund records; an id it
// cannot name reads "user N".
func (m saleMoney) names(ctx context.Context) (func(int64) string, error) {
	list, err := m.users.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]string, len(list))
	for _, u := range list {
		byID[u.ID] = u.Name
	}
	return func(id int64) string {
		if n, ok := byID[id]; ok {
			return n
		}
		return "user " + itoa64(id)
	}, nil
}

// detail is the sale page of sale id for this request: the sale itself
// (saleDetail) with its money sections. The panel's refund records are
// read here; when they cannot be, the page still shows the sale and says
// refunds cannot be checked.
func (h *salesHandler) detail(c echo.Context, id string, sale *apiclient.Sale) salespage.Detail {
	ctx := c.Request().Context()
	rq := requestOf(c)
	v := saleDetail(rq, h.paths, id, sale)
	led, err := h.money.ledger(ctx, id, sale, rq.Now())
	names := func(int64) string { return "" }
	if err == nil && len(led.requests) > 0 {
		names, err = h.money.names(ctx)
	}
	if err != nil {
		h.log.Warn("sale page: refunds cannot be checked", "request_id", rq.ID, "sale_id", id, "error", err)
		led = nil
	}
	v.Refunds = refundsSection(rq, h.paths, h.money.policy, id, led, names)
	cur := ""
	if led != nil {
		cur = led.currency
	}
	v.Subscriptions = subscriptionsSection(rq, h.paths, id, sale, cur)
	v.Reauth = reauthSection(rq, h.paths, id, sale)
	if cur == "" {
		cur = h.money.currency.Label(ctx, h.log)
	}
	saleAmountsIn(&v, cur)
	return v
}

// saleAmountsIn names the currency of a sale page's invoice totals and
// line items: the account's, in which the panel reads and refunds them
// (money.CurrencyParam); the USD total names its own. Without a known
// currency the amounts say so in words.
func saleAmountsIn(v *salespage.Detail, currency string) {
	with := func(s string) string {
		if s == "" || s == "—" {
			return s
		}
		if currency == "" {
			return s + " (account currency)"
		}
		return s + " " + currency
	}
	for i := range v.Invoices {
		inv := &v.Invoices[i]
		inv.Total, inv.Left = with(inv.Total), with(inv.Left)
		for j := range inv.Items {
			inv.Items[j].Amount = with(inv.Items[j].Amount)
		}
	}
}

// leftAfterRefunds is an invoice's customer total less the refund items it
// shows, in the invoice's own figures; "" when nothing was refunded or the
// figures cannot be read.
func leftAfterRefunds(inv apiclient.Invoice) string {
	total, ok := money.ParseAPI(inv.CustomerTotal)
	if !ok {
		return ""
	}
	var refunded int64
	for _, li := range inv.Lineitems {
		if li.Type.Value != "refund" {
			continue
		}
		c, ok := money.ParseAPI(li.CustomerAmount)
		if !ok {
			return ""
		}
		refunded += c
	}
	if refunded == 0 {
		return ""
	}
	return form.FormatCents(max(total-refunded, 0))
}

// refundItem shows a refund line item as what it is: money given back,
// a deduction from the invoice (the API sends its amount positive).
func refundItem(it *salespage.Item) {
	if it.Amount != "—" {
		it.Amount = "−" + it.Amount
	}
	if it.Name != "Refund" {
		it.Name = "Refund of " + it.Name
	}
	it.Status = "Given back"
}
