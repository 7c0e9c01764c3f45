package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/form"
	"backoffice/htmx"
	"backoffice/store"
	shippage "backoffice/templates/pages/ship"
)

// send is POST /ship: mark the parcel shipped, at most once per form key.
func (h *shipHandler) send(c echo.Context) error {
	ctx := c.Request().Context()
	vals, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(vals)
	saleID := in.Digits("sale", "Sale number", true, 20)
	req := readShipRequest(in, saleID)
	// The customer's name only labels the packer's own shift list; carrying
	// it in the form saves reading the sale again after every parcel.
	customer := in.Text("customer", form.Text{Label: "Customer", Max: 200})
	key := formKeyOf(c)
	s := h.base(c)
	s.Notify, s.Reauthorize = req.Notify, req.Reauthorize
	s.Sale = saleID

	// The card is needed to answer anything but success; read it first, so a
	// failure can show the sale again with the scans kept.
	if in.Errors.Get("sale") != "" {
		s.SaleError = in.Errors.Get("sale")
		return h.show(c, http.StatusUnprocessableEntity, s)
	}
	keepCard := func(errs form.Errors, reuse string) error {
		sale, err := h.read(ctx, saleID)
		if err != nil {
			h.lookupFailed(&s, saleID, err)
			return h.show(c, http.StatusUnprocessableEntity, s)
		}
		h.prepare(&s, sale, req.InvoiceID)
		if s.Card != nil {
			s.Card.Tracking, s.Card.Comment, s.Card.Reuse = req.Tracking, req.Comment, reuse
			s.Card.AskTracking = req.AskConfirm
			for k, v := range errs {
				s.Card.Errors[k] = v
			}
		}
		return h.show(c, http.StatusUnprocessableEntity, s)
	}
	if in.Errors.Any() {
		return keepCard(in.Errors, "")
	}
	if !in.Bool("confirm_reuse") {
		note, err := h.reused(ctx, req)
		if err != nil {
			return err
		}
		if note != "" {
			return keepCard(nil, note)
		}
	}

	out, err := markShipped(ctx, requestOf(c), h.wr, h.api, key, req)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code != http.StatusForbidden {
			return keepCard(form.Errors{"": fmt.Sprint(he.Message)}, "")
		}
		return err
	}
	switch {
	case out.Succeeded():
		return h.shipped(c, s, req, customer, out.Replayed)
	case apiclient.IsAlreadyShipped(out.Err):
		s.Result = &shippage.Result{Kind: "warn", Title: "Already shipped",
			Text: "Sale " + saleID + " was already marked shipped. Nothing was sent again. Scan the next sale."}
		return h.show(c, http.StatusOK, s)
	case out.Unknown():
		return h.unknown(c, s, req)
	default:
		errs := form.Errors{}
		applyAPIError(errs, out.Err, shipFields)
		if errs.Get("sale_id") != "" {
			errs.Add("", errs.Get("sale_id"))
		}
		return keepCard(errs, "")
	}
}

// reused flags a tracking number already used on another sale through the
// panel; the card then asks the packer to confirm.
func (h *shipHandler) reused(ctx context.Context, req ShipRequest) (string, error) {
	prev, err := h.st.ShipmentsByTracking(ctx, req.Tracking)
	if err != nil {
		return "", err
	}
	for _, p := range prev {
		if p.SaleID != req.SaleID {
			return "Tracking number " + p.TrackingNumber + " was already used on sale " + p.SaleID +
				" (" + p.Customer + ") at " + p.At.UTC().Format("2006-01-02 15:04") + " UTC. Check the label before sending.", nil
		}
	}
	return "", nil
}

// shipped records the parcel and shows the screen ready for the next one:
// the big success banner and the sale number field focused and empty.
func (h *shipHandler) shipped(c echo.Context, s shippage.Screen, req ShipRequest, customer string, replayed bool) error {
	ctx := c.Request().Context()
	v := viewerOf(c)
	if !replayed {
		if err := h.st.RecordShipment(context.WithoutCancel(ctx), &store.Shipment{UserID: v.User.ID, SaleID: req.SaleID,
			InvoiceID: req.InvoiceID, TrackingNumber: req.Tracking, Customer: customer, At: h.now()}); err != nil {
			h.log.Error("record shipment", "request_id", RequestIDOf(c), "error", err)
		}
		touchShift(ctx, h.st, v.User, h.now())
	}
	title := "Shipped: sale " + req.SaleID
	detail := "Tracking " + req.Tracking
	if req.Carrier != "" {
		detail += " (" + req.Carrier + ")"
	}
	if req.InvoiceID != "" {
		detail = "Invoice " + req.InvoiceID + " · " + detail
	}
	if req.Notify {
		detail += " · customer notified"
	}
	if replayed {
		detail += " (this parcel was already sent; nothing was sent twice)"
	}
	if !htmx.IsRequest(c.Request()) {
		// Plain form: redirect, so a refresh cannot resend anything.
		h.flash(c, "ok", title+" · "+detail)
		q := url.Values{"notify": {flag01(req.Notify)}}
		if req.Reauthorize {
			q.Set("reauthorize", "1")
		}
		return redirect(c, withQuery(h.paths.Ship(), q))
	}
	s.Sale = ""
	s.Result = &shippage.Result{Kind: "ok", Title: title, Text: detail}
	return h.show(c, http.StatusOK, s)
}

// unknown answers a parcel whose answer never came: the sale is read again
// at once, so the packer learns whether it went through before sending again.
func (h *shipHandler) unknown(c echo.Context, s shippage.Screen, req ShipRequest) error {
	sale, err := h.api.DetailSale(c.Request().Context(), apiclient.DetailSaleParams{SaleID: req.SaleID})
	if err == nil && invoiceShipped(sale, req.InvoiceID) {
		return h.shipped(c, s, req, customerName(sale), false)
	}
	check := url.Values{"sale": {req.SaleID}, "check": {"unknown"}, "tracking": {req.Tracking}}
	if req.InvoiceID != "" {
		check.Set("invoice_id", req.InvoiceID)
	}
	s.Result = &shippage.Result{Kind: "warn", Title: "Outcome unknown",
		Text:     "2Checkout did not answer in time, and the sale does not show this parcel shipped yet. Check the sale again before sending it again.",
		CheckURL: withQuery(h.paths.Ship(), check)}
	if err == nil {
		h.prepare(&s, sale, req.InvoiceID)
		if s.Card != nil {
			s.Card.Tracking = req.Tracking
		}
	}
	return h.show(c, http.StatusOK, s)
}

// check answers "did my parcel go through?" after an answer never came
// (from the browser, which lost the connection, or from the server, which
// lost 2Checkout): the form key's record says what the panel knows; the sale
// says what 2Checkout knows.
func (h *shipHandler) check(c echo.Context, s *shippage.Screen, saleID, key, invoiceID, tracking string) {
	ctx := c.Request().Context()
	if validFormKey(key) {
		if rec, err := h.st.IdempotentByKey(ctx, key); err == nil && rec.UserID == requestOf(c).User().ID {
			switch rec.State {
			case store.IdemSucceeded:
				s.Result = &shippage.Result{Kind: "ok", Title: "Shipped: sale " + saleID, Text: "The parcel went through. Scan the next sale."}
				return
			case store.IdemPending:
				s.Result = &shippage.Result{Kind: "warn", Title: "Still sending", Text: "The parcel is still being sent. Check again in a moment.",
					CheckURL: c.Request().URL.RequestURI()}
				return
			}
		}
	}
	sale, err := h.read(ctx, saleID)
	if err != nil {
		h.lookupFailed(s, saleID, err)
		return
	}
	if invoiceShipped(sale, invoiceID) {
		s.Result = &shippage.Result{Kind: "ok", Title: "Sale " + saleID + " is marked shipped", Text: "Nothing needs to be sent again. Scan the next sale."}
		return
	}
	h.prepare(s, sale, invoiceID)
	if s.Card != nil {
		s.Card.Tracking = tracking
		if validFormKey(key) {
			// The panel never saw this form: resend it under the same key, so
			// that if the first request does arrive late it is not applied twice.
			s.Card.Key = key
		}
		s.Result = &shippage.Result{Kind: "warn", Title: "Not shipped yet", Text: "2Checkout does not show this parcel shipped. Press Enter to send it again."}
	}
}

// invoiceShipped reports whether the invoice (or, without one, every
// tangible invoice) of the sale is marked shipped.
func invoiceShipped(sale *apiclient.Sale, invoiceID string) bool {
	seen := false
	for _, inv := range sale.Invoices {
		if !invoiceTangible(inv) || (invoiceID != "" && inv.InvoiceID.Value != invoiceID) {
			continue
		}
		if inv.DateShipped.Blank() {
			return false
		}
		seen = true
	}
	return seen
}
