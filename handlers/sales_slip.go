package handlers

import (
	"time"

	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/barcode"
	salespage "backoffice/templates/pages/sales"
)

// slip is GET /sales/{id}/slip: the packing slip of the sale's parcels not
// yet shipped, with the sale number as a Code 128 barcode drawn on the
// server, so the packer scans it on the ship screen.
func (h *salesHandler) slip(c echo.Context) error {
	id, sale, err := h.saleOfPath(c)
	if err != nil {
		return err
	}
	v, err := packingSlip(h.paths, id, sale, requestOf(c).Zone())
	if err != nil {
		return err
	}
	s := h.shell(c, "Packing slip "+id)
	s.NoHistory = true
	s.PrintCSS = h.assets.Path("print.css")
	return h.renderShell(c, http.StatusOK, s, salespage.SlipPage(v), nil)
}

// packingSlip is the slip's view of a sale: ship-to from the first parcel
// with a shipping address (the buyer's own address otherwise), and the
// goods of every tangible invoice not yet shipped, fees left out.
func packingSlip(p paths, id string, sale *apiclient.Sale, loc *time.Location) (salespage.Slip, error) {
	bars, err := barcode.Code128Bars(id)
	if err != nil {
		return salespage.Slip{}, fmt.Errorf("barcode of sale %s: %w", id, err)
	}
	v := salespage.Slip{ID: id, SaleURL: p.Sale(id), Placed: apiWhen(sale.DatePlaced, loc, "—"),
		Barcode: salespage.Barcode{Width: bars.Width, Label: id}}
	for _, b := range bars.Bars {
		v.Barcode.Bars = append(v.Barcode.Bars, salespage.Bar{X: b.X, W: b.W})
	}
	for _, inv := range sale.Invoices {
		if !invoiceTangible(inv) || !inv.DateShipped.Blank() {
			continue
		}
		if sh := inv.Shipping; sh != nil && len(v.ShipTo) == 0 {
			v.ShipTo = postalAddress(sh.Address1, sh.Address2, sh.City, sh.State, sh.PostalCode, orText(sh.CountryName, sh.CountryCode))
			if name := strings.TrimSpace(text(sh.ShippingName)); name != "" {
				v.ShipTo = append([]string{name}, v.ShipTo...)
			}
			v.Method = inert(sh.ShippingMethodName.Or(""))
		}
		parcel := salespage.SlipParcel{InvoiceID: inv.InvoiceID.Value}
		for _, li := range inv.Lineitems {
			if !li.Goods() {
				continue
			}
			it := salespage.SlipItem{Name: inert(li.ProductName.Or("item"))}
			for _, o := range li.Options {
				it.Options = append(it.Options, inert(text(o.OptionName)+": "+text(o.OptionValue)))
			}
			parcel.Items = append(parcel.Items, it)
		}
		v.Parcels = append(v.Parcels, parcel)
	}
	if len(v.ShipTo) == 0 {
		cu := sale.Customer
		v.ShipTo = append([]string{customerName(sale)},
			postalAddress(cu.Address1, cu.Address2, cu.City, cu.State, cu.PostalCode, orText(cu.CountryName, cu.CountryCode))...)
	}
	for i := range v.ShipTo {
		v.ShipTo[i] = inert(v.ShipTo[i])
	}
	return v, nil
}
