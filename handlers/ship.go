package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/form"
	"backoffice/store"
	shippage "backoffice/templates/pages/ship"
)

// shipSaleAPI is what the scan-to-ship screen needs of the Admin API.
type shipSaleAPI interface {
	shipAPI
	DetailSale(ctx context.Context, p apiclient.DetailSaleParams) (*apiclient.Sale, error)
}

// shipStore is what it needs of the store.
type shipStore interface {
	RecordShipment(ctx context.Context, sh *store.Shipment) error
	ShipmentsByTracking(ctx context.Context, tracking string) ([]store.Shipment, error)
	ShipmentsByUserSince(ctx context.Context, userID int64, since time.Time, limit int) ([]store.Shipment, error)
	CountShipmentsByUserSince(ctx context.Context, userID int64, since time.Time) (int, error)
	IdempotentByKey(ctx context.Context, key string) (*store.IdemRecord, error)
	shiftStore
}

// shiftShown is how many of the shift's parcels the screen lists, newest
// first; the heading counts them all.
const shiftShown = 50

// shipHandler serves /ship: scan a sale number, scan a tracking number, next
// parcel. Every scan either moves on or says in plain words what to do, and
// keeps what was scanned.
type shipHandler struct {
	resource[shipSaleAPI]
	st shipStore
	// loc is the team's time zone, for the invoices' dates on the card.
	loc *time.Location
}

// screen is GET /ship: the empty screen, a lookup (?sale=), or a check of a
// parcel whose answer never came (?sale=&check=KEY).
func (h *shipHandler) screen(c echo.Context) error {
	s := h.base(c)
	q := c.QueryParams()
	s.Notify = q.Get("notify") != "0"
	s.Reauthorize = q.Get("reauthorize") == "1"
	for _, f := range visitOf(c).TakeFlash() {
		s.Result = &shippage.Result{Kind: map[string]string{"ok": "ok", "warn": "warn"}[f.Kind], Title: f.Text}
		if s.Result.Kind == "" {
			s.Result.Kind = "bad"
		}
	}
	sale := strings.TrimSpace(q.Get("sale"))
	switch {
	case sale == "":
	case q.Get("check") != "":
		h.check(c, &s, sale, q.Get("check"), q.Get("invoice_id"), q.Get("tracking"))
	default:
		h.lookup(c, &s, sale)
	}
	return h.show(c, http.StatusOK, s)
}

func (h *shipHandler) base(c echo.Context) shippage.Screen {
	return shippage.Screen{Path: h.paths.Ship(), QueueURL: h.paths.ShipQueue(), CSRF: requestOf(c).CSRF(), Notify: true}
}

func (h *shipHandler) show(c echo.Context, status int, s shippage.Screen) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	since, err := h.shiftStart(ctx, v.User.ID)
	if err != nil {
		return err
	}
	list, err := h.st.ShipmentsByUserSince(ctx, v.User.ID, since, shiftShown)
	if err != nil {
		return err
	}
	s.ShiftCount = len(list)
	if len(list) == shiftShown {
		if s.ShiftCount, err = h.st.CountShipmentsByUserSince(ctx, v.User.ID, since); err != nil {
			return err
		}
	}
	if v.Session.Method == store.SignInBadge {
		s.IdleNote = "Signed in with your badge: this phone signs you out after " + roughly(h.sessions.IdleLimit(visitOf(c))) + " without use."
		s.LogoutURL = h.paths.Logout()
	}
	for _, p := range list {
		s.Shift = append(s.Shift, shippage.Parcel{At: p.At.UTC().Format("15:04"), SaleID: p.SaleID, Tracking: p.TrackingNumber, Customer: p.Customer})
	}
	if s.Card != nil {
		st, err := h.api.FraudState(c.Request().Context(), s.Card.SaleID)
		if err != nil {
			return err
		}
		s.Card.Hold = fraudView(requestOf(c), st, s.Card.SaleID, false, "")
	}
	shell := h.shell(c, "Scan to ship")
	shell.Narrow = true
	shell.NoHistory = true
	shell.Scripts = []string{h.assets.Path("ship.js")}
	return h.renderShell(c, status, shell, shippage.Page(s), shippage.Body(s))
}

// shiftStart is when the person's shift began: their first sign-in or
// parcel after a long pause, so the count goes on across the sign-ins of a
// day on shared phones. Someone with no shift running (signed in before
// shifts were kept, or back after a long pause without signing in again)
// starts one now.
func (h *shipHandler) shiftStart(ctx context.Context, userID int64) (time.Time, error) {
	now := h.now()
	sh, ok, err := h.st.CurrentShift(ctx, userID, now, store.DefaultShiftRule)
	if err != nil {
		return time.Time{}, err
	}
	if !ok {
		if sh, err = h.st.TouchShift(ctx, userID, now, store.DefaultShiftRule); err != nil {
			return time.Time{}, err
		}
	}
	return sh.StartedAt, nil
}

// lookup reads the scanned sale and prepares its card, or says why it cannot
// be shipped. A number that is not a sale is tried as an invoice number,
// since labels may carry either.
func (h *shipHandler) lookup(c echo.Context, s *shippage.Screen, scanned string) {
	s.Sale = scanned
	if !form.IsDigits(scanned, 20) {
		s.SaleError = "A sale number has only digits. Scan the sale barcode again."
		return
	}
	sale, err := h.read(c.Request().Context(), scanned)
	if err != nil {
		h.lookupFailed(s, scanned, err)
		return
	}
	h.prepare(s, sale, "")
}

func (h *shipHandler) read(ctx context.Context, number string) (*apiclient.Sale, error) {
	sale, err := h.api.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: number})
	if apiclient.IsNotFound(err) {
		if byInvoice, err2 := h.api.DetailSale(ctx, apiclient.DetailSaleParams{InvoiceID: number}); err2 == nil {
			// The whole sale, not just the scanned invoice: the packer needs
			// to see every invoice to choose the right one.
			return h.api.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: byInvoice.SaleID.Value})
		}
	}
	return sale, err
}

func (h *shipHandler) lookupFailed(s *shippage.Screen, scanned string, err error) {
	switch {
	case apiclient.IsNotFound(err):
		s.SaleError = "No sale has the number " + scanned + ". Check the label and scan again."
	case apiclient.IsParameterError(err):
		s.SaleError = "2Checkout did not accept " + scanned + " as a sale number. Scan the sale barcode again."
	default:
		s.Result = &shippage.Result{Kind: "bad", Title: "2Checkout is not answering",
			Text: upstreamView(err).Message + " Your scan is kept: press Enter to try again."}
	}
}

// prepare fills the card for a sale, or explains why there is nothing to ship.
func (h *shipHandler) prepare(s *shippage.Screen, sale *apiclient.Sale, keepInvoice string) {
	s.Sale = sale.SaleID.Value
	card := &shippage.Card{SaleID: sale.SaleID.Value, Key: NewFormKey(), Errors: map[string]string{}}
	cu := sale.Customer
	card.Customer = customerName(sale)
	unshipped := 0
	for _, inv := range sale.Invoices {
		if !invoiceTangible(inv) {
			continue
		}
		shipped := !inv.DateShipped.Blank()
		if !shipped {
			unshipped++
		}
		card.Invoices = append(card.Invoices, shippage.Invoice{ID: inv.InvoiceID.Value, Shipped: shipped,
			Label: "Invoice " + inv.InvoiceID.Value + " · " + apiWhen(inv.DatePlaced, h.loc, "?") + " · " + itemSummary(inv)})
		if inv.Shipping != nil && len(card.Address) == 0 {
			sh := inv.Shipping
			card.Address = postalAddress(sh.Address1, sh.Address2, sh.City, sh.State, sh.PostalCode, sh.CountryName)
			if name := strings.TrimSpace(text(sh.ShippingName)); name != "" {
				card.Address = append([]string{name}, card.Address...)
			}
		}
		for _, li := range inv.Lineitems {
			if li.Goods() && !shipped {
				card.Items = append(card.Items, lineitemLabel(li))
			}
		}
	}
	if len(card.Address) == 0 {
		card.Address = postalAddress(cu.Address1, cu.Address2, cu.City, cu.State, cu.PostalCode, cu.CountryName)
	}
	if len(card.Address) > 0 && strings.EqualFold(card.Address[0], card.Customer) {
		card.Address = card.Address[1:] // the name is already shown above the address
	}
	switch {
	case len(card.Invoices) == 0:
		s.Result = &shippage.Result{Kind: "warn", Title: "Nothing to ship on sale " + s.Sale,
			Text: "It has no physical goods. Put the parcel aside and scan the next sale."}
		return
	case unshipped == 0:
		s.Result = &shippage.Result{Kind: "warn", Title: "Sale " + s.Sale + " is already shipped",
			Text: "Every parcel of this sale is marked shipped. Scan the next sale."}
		return
	}
	// Preselect the one unshipped invoice when only one is left (or the one
	// the packer had chosen before a failure).
	for i := range card.Invoices {
		inv := &card.Invoices[i]
		inv.Selected = !inv.Shipped && (keepInvoice == inv.ID || (keepInvoice == "" && unshipped == 1))
	}
	s.Card = card
}

func customerName(sale *apiclient.Sale) string {
	return strings.TrimSpace(text(sale.Customer.FirstName) + " " + text(sale.Customer.LastName))
}

func itemSummary(inv apiclient.Invoice) string {
	n := 0
	for _, li := range inv.Lineitems {
		if li.Type.Value == "product" && !li.Fee() {
			n++
		}
	}
	return plural(n, "item")
}

func lineitemLabel(li apiclient.Lineitem) string {
	s := text(li.ProductName)
	var opts []string
	for _, o := range li.Options {
		opts = append(opts, text(o.OptionName)+": "+text(o.OptionValue))
	}
	if len(opts) > 0 {
		s += " (" + strings.Join(opts, ", ") + ")"
	}
	return s
}
