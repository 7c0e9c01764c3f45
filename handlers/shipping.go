package handlers

import (
	"context"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/ins"
	"backoffice/tracking"
)

// shipAPI is what marking a sale shipped needs: the Admin API's
// mark_shipped, and the sale's fraud review status, which only INS reports
// (liveAPI).
type shipAPI interface {
	MarkShipped(ctx context.Context, p apiclient.MarkShippedParams) (*apiclient.Result, error)
	FraudState(ctx context.Context, saleID string) (ins.SaleState, error)
}

// ShipRequest is a checked "mark shipped" form. The sale page and the
// scan-to-ship screen both send it through markShipped.
type ShipRequest struct {
	SaleID      string
	InvoiceID   string // required by the API when the sale has several invoices
	Tracking    string
	Comment     string
	Notify      bool // cc_customer: e-mail the buyer
	Reauthorize bool
	// Override ships a sale held in fraud review, with the reason given;
	// only for those who may (permOverrideHold), and audited.
	Override       bool
	OverrideReason string
	// ConfirmTracking is the packer's tick that the label shows exactly this
	// number, needed for a shape no known carrier uses; AskConfirm is set
	// when the form must offer that tick. Carrier names a recognised
	// carrier's number ("UPS").
	ConfirmTracking bool
	AskConfirm      bool
	Carrier         string
}

// Form field names of a ship form; the API's parameter names map onto them
// so an error about a parameter lands next to its field.
var shipFields = map[string]string{
	"tracking_number": "tracking",
	"invoice_id":      "invoice_id",
	"comment":         "comment",
	"sale_id":         "sale_id",
	"reauthorize":     "reauthorize",
}

// MaxTrackingLength is the longest tracking number accepted. Carriers' numbers
// are at most about 35 characters; the margin allows a prefix or spaces.
const MaxTrackingLength = 64

// readShipRequest reads and checks a ship form with the rules mark_shipped
// enforces, so a bad value is caught before anything is sent. saleID comes
// from the path or the scanned field, never from a second form field;
// invoiceIDs are the sale's invoices when they are known.
func readShipRequest(in *form.Reader, saleID string, invoiceIDs ...string) ShipRequest {
	r := ShipRequest{SaleID: saleID}
	r.Tracking = in.Text("tracking", form.Text{Label: "Tracking number", Required: true, Max: MaxTrackingLength})
	if r.Tracking != "" && in.Errors.Get("tracking") == "" && !trackingChars(r.Tracking) {
		in.Errors.Add("tracking", `Tracking number may contain only letters, digits, spaces and - . / _ #.`)
	}
	r.InvoiceID = in.Digits("invoice_id", "Invoice", false, 20)
	r.ConfirmTracking = in.Bool("confirm_tracking")
	if r.Tracking != "" && in.Errors.Get("tracking") == "" {
		r.checkTracking(in.Errors, append(invoiceIDs, r.InvoiceID))
	}
	r.Comment = in.Text("comment", form.Text{Label: "Comment", Max: 255, NoAngle: true})
	r.Notify = in.Bool("notify")
	r.Reauthorize = in.Bool("reauthorize")
	r.Override = in.Bool("override_hold")
	r.OverrideReason = in.Text("override_reason", form.Text{Label: "Reason", Max: 255})
	return r
}

// checkTracking refuses, before anything is sent, the commonest mistake on
// the floor: the sale's own barcode (or an invoice's, or the next slip's)
// scanned as the tracking number, which would e-mail the customer a sale
// number. A carrier's number is sent in the carrier's own form; a shape no
// carrier we know uses is sent only after the packer's tick.
func (r *ShipRequest) checkTracking(errs form.Errors, invoiceIDs []string) {
	v := tracking.Check(r.Tracking, tracking.Own{SaleID: r.SaleID, InvoiceIDs: invoiceIDs})
	switch {
	case v.Kind == tracking.Refused:
		errs.Add("tracking", v.Message)
	case v.Kind == tracking.Confirm && !r.ConfirmTracking:
		r.AskConfirm = true
		errs.Add("tracking", v.Message)
	case v.Kind == tracking.OK:
		r.Tracking, r.Carrier = v.Number, v.Match.Name()
	}
}

func trackingChars(s string) bool {
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == ' ', c == '-', c == '.', c == '/', c == '_', c == '#':
		default:
			return false
		}
	}
	return true
}

// params are the mark_shipped parameters of this request.
func (r ShipRequest) params() apiclient.MarkShippedParams {
	return apiclient.MarkShippedParams{SaleID: r.SaleID, InvoiceID: r.InvoiceID, TrackingNumber: r.Tracking,
		Comment: r.Comment, CCCustomer: r.Notify, Reauthorize: r.Reauthorize}
}

// markShipped sends one mark_shipped through the write path: at most once per
// form key, audited, with the outcome for the caller to put into words.
// A sale held in fraud review is refused before anything is sent (see
// checkFraudHold).
func markShipped(ctx context.Context, rq *request, wr *writer, api shipAPI, key string, r ShipRequest) (Outcome, error) {
	target := "sale:" + r.SaleID
	if r.InvoiceID != "" {
		target += "/invoice:" + r.InvoiceID
	}
	if err := checkFraudHold(ctx, rq, wr.audit, api, target, r); err != nil {
		return Outcome{}, err
	}
	return wr.Do(ctx, rq, Write{Action: "sales.ship", Permission: auth.SalesShip, Target: target, Key: key,
		Send: send(api.MarkShipped, r.params())})
}

// invoiceTangible reports whether an invoice has physical goods to ship:
// a shipping address, or a product line marked tangible. The sale page and
// the scan-to-ship screen both decide with it.
func invoiceTangible(inv apiclient.Invoice) bool {
	if inv.Shipping != nil {
		return true
	}
	for _, li := range inv.Lineitems {
		if li.Type.Value == "product" && li.ProductTangible.Value == "Y" {
			return true
		}
	}
	return false
}
