package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	salespage "backoffice/templates/pages/sales"
)

// saleForm is the sale the path names and the form posted to it.
func saleForm(c echo.Context) (string, *form.Reader, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return "", nil, err
	}
	vals, err := posted(c)
	if err != nil {
		return "", nil, err
	}
	return id, form.NewReader(vals), nil
}

// comment adds a comment to the sale named in the path (never one named in
// the form) through the write path.
func (h *salesHandler) comment(c echo.Context) error {
	id, in, err := saleForm(c)
	if err != nil {
		return err
	}
	f := &salespage.CommentForm{
		Text:       in.Text("comment", form.Text{Label: "Comment", Required: true, Max: MaxCommentLength, Multi: true}),
		CCCustomer: in.Bool("cc_customer"),
		CCVendor:   in.Bool("cc_vendor"),
		Errors:     in.Errors,
	}
	if in.Errors.Any() {
		return h.rerender(c, id, http.StatusUnprocessableEntity, func(v *salespage.Detail) { v.Comment = f })
	}
	out, err := h.wr.Do(c.Request().Context(), requestOf(c), Write{Action: "sales.comment", Permission: auth.SalesComment,
		Target: "sale:" + id, Key: formKeyOf(c),
		Send: send(h.api.CreateComment, apiclient.CreateCommentParams{SaleID: id, SaleComment: f.Text,
			CCCustomer: f.CCCustomer, CCVendor: f.CCVendor})})
	if err != nil {
		return err
	}
	if out.Succeeded() {
		msg := "Comment added to sale " + id + "."
		if f.CCCustomer {
			msg += " A copy was e-mailed to the customer."
		}
		h.flashAt(c, "ok", "comments", msg)
		return redirect(c, h.paths.Sale(id)+"#comments")
	}
	if out.Unknown() {
		msg := "Outcome unknown: " + lowerFirst(out.UnknownCause()) + ", so it is not known whether the comment was added. " +
			"Look for it under Comments below before sending it again."
		return h.afterUnknown(c, id, msg, func(v *salespage.Detail) { v.Comment = f })
	}
	f.Errors = form.Errors{}
	out.ApplyTo(f.Errors, map[string]string{"sale_comment": "comment"})
	keepShown(f.Errors, "comment")
	return h.rerender(c, id, out.Status(), func(v *salespage.Detail) { v.Comment = f })
}

// invoiceIDs are the numbers of the sale's invoices.
func invoiceIDs(sale *apiclient.Sale) []string {
	ids := make([]string, 0, len(sale.Invoices))
	for _, inv := range sale.Invoices {
		ids = append(ids, inv.InvoiceID.Value)
	}
	return ids
}

// ship marks one invoice of the sale in the path shipped.
func (h *salesHandler) ship(c echo.Context) error {
	id, in, err := saleForm(c)
	if err != nil {
		return err
	}
	sale, err := h.readSale(c, id)
	if err != nil {
		return err
	}
	req := readShipRequest(in, id, invoiceIDs(sale)...)
	if !in.Errors.Any() {
		checkShipInvoice(in.Errors, sale, req.InvoiceID)
	}
	if in.Errors.Any() {
		return h.renderShipForm(c, id, sale, http.StatusUnprocessableEntity, req, in.Errors)
	}
	out, err := markShipped(c.Request().Context(), requestOf(c), h.wr, h.api, formKeyOf(c), req)
	var hold *holdRefusal
	if errors.As(err, &hold) {
		return h.renderShipForm(c, id, sale, hold.status, req, form.Errors{"": hold.msg})
	}
	if err != nil {
		return err
	}
	what := "Sale " + id
	inv := req.InvoiceID
	if inv == "" && len(sale.Invoices) == 1 && form.IsDigits(sale.Invoices[0].InvoiceID.Value, apiIDMaxDigits) {
		inv = sale.Invoices[0].InvoiceID.Value
	}
	if inv != "" {
		what = "Invoice " + inv + " of sale " + id
	}
	switch {
	case out.Succeeded():
		h.flash(c, "ok", what+" marked shipped with tracking number "+req.Tracking+".")
		return redirect(c, h.paths.Sale(id))
	case apiclient.IsAlreadyShipped(out.Err):
		// Someone (or an earlier tap) shipped it already: not a failure.
		h.flash(c, "warn", what+" was already marked shipped. Nothing was sent again.")
		return redirect(c, h.paths.Sale(id))
	case out.Unknown():
		msg := "Outcome unknown: " + lowerFirst(out.UnknownCause()) + ", so it is not known whether " + lowerFirst(what) +
			" was marked shipped. Check its shipping status below (or reload the sale) before sending it again."
		return h.afterUnknown(c, id, msg, func(v *salespage.Detail) {
			if v.Ship != nil {
				keepShipInput(v.Ship, req)
			}
		})
	}
	errs := form.Errors{}
	var ae *apiclient.Error
	if errors.As(out.Err, &ae) && ae.Code == apiclient.CodeParameterMissing && ae.Parameter == "invoice_id" {
		errs.Add("invoice_id", "Choose the invoice to mark shipped: this sale has several.")
	} else {
		out.ApplyTo(errs, shipFields)
	}
	return h.renderShipForm(c, id, sale, out.Status(), req, errs)
}

// checkShipInvoice applies the invoice rules of mark_shipped to the sale as
// read now: a sale with several invoices needs one chosen, and it must be
// one of this sale's.
func checkShipInvoice(errs form.Errors, sale *apiclient.Sale, invoiceID string) {
	switch {
	case invoiceID == "" && len(sale.Invoices) > 1:
		errs.Add("invoice_id", "Choose the invoice to mark shipped: this sale has several.")
	case invoiceID != "" && !hasInvoice(sale, invoiceID):
		errs.Add("invoice_id", "Invoice "+invoiceID+" is not part of this sale.")
	}
}

func hasInvoice(sale *apiclient.Sale, id string) bool {
	for _, inv := range sale.Invoices {
		if inv.InvoiceID.Value == id {
			return true
		}
	}
	return false
}

// renderShipForm re-renders the sale page with the ship form as sent, its
// errors, and a new form key.
func (h *salesHandler) renderShipForm(c echo.Context, id string, sale *apiclient.Sale, status int, req ShipRequest, errs form.Errors) error {
	v := h.detail(c, id, sale)
	f := shipFormFor(sale, req, errs, requestOf(c).Zone())
	if f == nil {
		// Nothing is left to ship here, so there is no form to show the
		// message in: it goes to the top of the page.
		keepShown(errs)
		v.Alert, v.AlertKind = errs.Get(""), "error"
		return h.renderSale(c, status, v)
	}
	shown := []string{"tracking", "comment"}
	if len(f.Invoices) > 0 {
		shown = append(shown, "invoice_id")
	}
	keepShown(errs, shown...)
	v.Ship = f
	return h.renderSale(c, status, v)
}

// rerender reads the sale again and shows it with a form adjusted by edit.
func (h *salesHandler) rerender(c echo.Context, id string, status int, edit func(*salespage.Detail)) error {
	sale, err := h.readSale(c, id)
	if err != nil {
		return err
	}
	v := h.detail(c, id, sale)
	edit(&v)
	freshKeys(&v)
	return h.renderSale(c, status, v)
}

// freshKeys gives a form put back on the page a new form key: the one it
// was sent with is spent.
func freshKeys(v *salespage.Detail) {
	if v.Comment != nil && v.Comment.Key == "" {
		v.Comment.Key = NewFormKey()
	}
}

// afterUnknown answers a write whose outcome is unknown: the sale page read
// afresh is the check, with the message on top and the form kept under a new
// key. When even that read fails, a short page offers to reload the sale.
func (h *salesHandler) afterUnknown(c echo.Context, id, msg string, edit func(*salespage.Detail)) error {
	sale, err := h.readSale(c, id)
	if err != nil {
		return h.renderPrivate(c, http.StatusGatewayTimeout, "Outcome unknown",
			salespage.UnknownPage(salespage.Unknown{ID: id, Message: msg, SaleURL: h.paths.Sale(id)}), nil)
	}
	v := h.detail(c, id, sale)
	v.Alert, v.AlertKind, v.ReloadURL = msg, "warn", h.paths.Sale(id)
	edit(&v)
	freshKeys(&v)
	return h.renderSale(c, http.StatusGatewayTimeout, v)
}

// keepShown moves errors about fields the form does not show to the top of
// the form, so no message is lost.
func keepShown(errs form.Errors, shown ...string) {
	for k, msg := range errs {
		if k == "" {
			continue
		}
		visible := false
		for _, s := range shown {
			visible = visible || s == k
		}
		if !visible {
			delete(errs, k)
			errs.Add("", msg)
		}
	}
}

func lowerFirst(s string) string {
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}
