package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Each recorded or documented body is served as-is and decoded through the
// real client method, asserting representative fields.
func TestContractDecoding(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		file  string
		check func(t *testing.T, c *Client)
	}{
		{"detail_sale.json", func(t *testing.T, c *Client) {
			s, err := c.DetailSale(ctx, DetailSaleParams{SaleID: "9093735704385"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "sale_id", s.SaleID, "9093735704385")
			text(t, "date_placed", s.DatePlaced, "2017-05-10 15:57:18")
			text(t, "ip_country", s.IPCountry, "Nigeria")
			eq(t, "recurring_decline nil", s.RecurringDecline == nil, true)
			eq(t, "comments", len(s.Comments), 0)
			text(t, "customer.customer_id", s.Customer.CustomerID, "9093735704391")
			null(t, "customer.address_2", s.Customer.Address2)
			null(t, "customer.middle_initial", s.Customer.MiddleInitial)
			text(t, "customer.phone", s.Customer.Phone, "")
			text(t, "customer.country_code_2", s.Customer.CountryCode2, "US")
			text(t, "pay_method.first_six_digits", s.Customer.PayMethod.FirstSixDigits, "400000")
			text(t, "pay_method.method", s.Customer.PayMethod.Method, "credit card")
			null(t, "pay_method.avs", s.Customer.PayMethod.AVS)
			text(t, "detail_ip.area_code (a JSON number)", s.DetailIP.AreaCode, "0")
			text(t, "detail_ip.region", s.DetailIP.Region, "05")
			if len(s.Invoices) != 1 {
				t.Fatalf("invoices = %d", len(s.Invoices))
			}
			inv := s.Invoices[0]
			text(t, "invoice_id", inv.InvoiceID, "9093735704394")
			text(t, "customer_total", inv.CustomerTotal, "100.41")
			text(t, "fees_2co", inv.Fees2CO, "5.98")
			text(t, "payout_status", inv.PayoutStatus, "Pending Capture")
			null(t, "date_shipped", inv.DateShipped)
			eq(t, "shipping nil", inv.Shipping == nil, true)
			if len(inv.Lineitems) != 1 {
				t.Fatalf("lineitems = %d", len(inv.Lineitems))
			}
			li := inv.Lineitems[0]
			text(t, "lineitem_id", li.LineitemID, "9093735704415")
			text(t, "product_price", li.ProductPrice, "19.23")
			text(t, "product_startup_fee", li.ProductStartupFee, "9.62")
			null(t, "commission", li.Commission)
			null(t, "product_id", li.ProductID)
			text(t, "billing.recurring_status", li.Billing.RecurringStatus, "active")
			text(t, "billing.date_next", li.Billing.DateNext, "2018-05-10")
			null(t, "billing.date_end", li.Billing.DateEnd)
			eq(t, "options", len(li.Options), 0)
		}},
		{"detail_sale_assembled.json", func(t *testing.T, c *Client) {
			s, err := c.DetailSale(ctx, DetailSaleParams{InvoiceID: "9093735704394"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "comments[0].username", s.Comments[0].Username, "APIuser1817037")
			text(t, "comments[0].changed_by_ip", s.Comments[0].ChangedByIP, "76.181.170.90")
			inv := s.Invoices[0]
			eq(t, "lineitems", len(inv.Lineitems), 3)
			text(t, "tax fee", inv.Lineitems[1].CustomerAmount, "3.86")
			null(t, "fee recurring_status", inv.Lineitems[2].Billing.RecurringStatus)
			opt := inv.Lineitems[0].Options[0]
			text(t, "option.lineitem_option_id", opt.LineitemOptionID, "4838213021")
			text(t, "option.option_name", opt.OptionName, "0.5")
			text(t, "option.usd_surcharge", opt.USDSurcharge, "0.01")
			if inv.Shipping == nil {
				t.Fatal("shipping nil")
			}
			text(t, "shipping.shipping_name", inv.Shipping.ShippingName, "Joe Flagster")
			null(t, "shipping.tracking_number", inv.Shipping.TrackingNumber)
			if s.RecurringDecline == nil {
				t.Fatal("recurring_decline nil")
			}
			text(t, "recurring_decline.retries", s.RecurringDecline.Retries, "2")
			text(t, "recurring_decline.pay_method", s.RecurringDecline.PayMethod, "credit card")
			if len(s.Warnings) != 1 || s.Warnings[0].Parameter != "sale_id" {
				t.Errorf("warnings = %+v", s.Warnings)
			}
		}},
		{"list_sales.json", func(t *testing.T, c *Client) {
			l, err := c.ListSales(ctx, ListSalesParams{PageSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			pi := l.PageInfo
			intv(t, "cur_page", pi.CurPage, 1)
			intv(t, "last_page", pi.LastPage, 14)
			intv(t, "total_entries", pi.TotalEntries, 42)
			intv(t, "previous_page (0, not null)", pi.PreviousPage, 0)
			intv(t, "next_page", pi.NextPage, 2)
			intv(t, "pagesize", pi.PageSize, 3)
			text(t, "last_page_url", pi.LastPageURL, "https://www.2checkout.com/api/sales/list_sales?cur_page=14&pagesize=3")
			eq(t, "Pages()", pi.Pages(), 14)
			s := l.Sales[0]
			text(t, "sale_id", s.SaleID, "4839284412")
			text(t, "usd_total", s.USDTotal, "0.03")
			text(t, "recurring", s.Recurring, "1")
			null(t, "decline_code", s.DeclineCode)
			null(t, "recurring_declined", s.RecurringDeclined)
			text(t, "sale_url", s.SaleURL, "https://www.2checkout.com/api/sales/detail_sale?sale_id=4839284412")
		}},
		{"detail_coupon.json", func(t *testing.T, c *Client) {
			cp, err := c.DetailCoupon(ctx, DetailCouponParams{CouponCode: "APITEST002"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "coupon_code", cp.CouponCode, "APITEST002")
			text(t, "minimum_purchase", cp.MinimumPurchase, "5.00")
			text(t, "percentage_off (a percent)", cp.PercentageOff, "5")
			null(t, "value_off", cp.ValueOff)
			text(t, "product[0].product_id", cp.Products[0].ProductID, "0")
			text(t, "product[0].product_url", cp.Products[0].ProductURL, "https://www.2checkout.com/api/products/detail_product?product_id=0")
			pct, ok := cp.PercentOff()
			eq(t, "PercentOff", pct, "5")
			eq(t, "PercentOff ok", ok, true)
		}},
		{"list_coupons.json", func(t *testing.T, c *Client) {
			l, err := c.ListCoupons(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(l) != 2 {
				t.Fatalf("coupons = %d", len(l))
			}
			text(t, "[0].coupon_code", l[0].CouponCode, "TESTPERCENT")
			text(t, "[0].percentage_off (a fraction)", l[0].PercentageOffFraction, "0.10")
			pct, _ := l[0].PercentOff()
			eq(t, "[0].PercentOff", pct, "10")
			// The same coupon as detail_coupon: fraction 0.05 there is 5 %.
			text(t, "[1].percentage_off", l[1].PercentageOffFraction, "0.05")
			pct, ok := l[1].PercentOff()
			eq(t, "[1].PercentOff equals detail's percent", pct, "5")
			eq(t, "ok", ok, true)
			null(t, "[1].value_off", l[1].ValueOff)
		}},
		{"create_option.json", func(t *testing.T, c *Client) {
			r, err := c.CreateOption(ctx, CreateOptionParams{OptionName: "x", OptionValueNames: []string{"a"}, OptionValueSurcharges: []string{"1.00"}})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "option_id", r.OptionID, "1234567890")
			eq(t, "message", r.ResponseMessage, "Option created successfully")
			eq(t, "code", r.ResponseCode, "OK")
		}},
		{"update_option.json", func(t *testing.T, c *Client) {
			r, err := c.UpdateOption(ctx, UpdateOptionParams{OptionID: "1", OptionName: "x"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Option updated successfully")
		}},
		{"delete_option.json", func(t *testing.T, c *Client) {
			r, err := c.DeleteOption(ctx, DeleteOptionParams{OptionID: "1"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Option deleted successfully")
		}},
		{"refund_invoice.json", func(t *testing.T, c *Client) {
			r, err := c.RefundInvoice(ctx, RefundInvoiceParams{SaleID: "1", Comment: "x", Category: 5})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "refund added to invoice")
		}},
		{"refund_lineitem.json", func(t *testing.T, c *Client) {
			r, err := c.RefundLineitem(ctx, RefundLineitemParams{LineitemID: "1", Comment: "x", Category: 5})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "lineitem refunded")
		}},
		{"stop_lineitem_recurring.json", func(t *testing.T, c *Client) {
			r, err := c.StopLineitemRecurring(ctx, StopLineitemRecurringParams{LineitemID: "1"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Recurring billing stopped for lineitem")
		}},
		{"reauth.json", func(t *testing.T, c *Client) {
			r, err := c.Reauth(ctx, ReauthParams{SaleID: "1"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Payment reauthorized.")
		}},
		{"detail_pending_payment.json", func(t *testing.T, c *Client) {
			p, err := c.PendingPayment(ctx)
			if err != nil {
				t.Fatal(err)
			}
			text(t, "amount", p.Amount, "999.99")
			text(t, "payment_id", p.PaymentID, "2436561667")
			text(t, "payment_method", p.PaymentMethod, "ach")
			text(t, "reserve_held", p.ReserveHeld, "14.19")
			text(t, "total_sales", p.TotalSales, "283.86")
			null(t, "date_paid (list-only key)", p.DatePaid)
		}},
		{"list_payments.json", func(t *testing.T, c *Client) {
			l, err := c.ListPayments(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(l) != 1 {
				t.Fatalf("payments = %d", len(l))
			}
			text(t, "amount", l[0].Amount, "50240.51")
			text(t, "payment_identifier", l[0].PaymentIdentifier, "wire_999042012")
			text(t, "reserve_held", l[0].ReserveHeld, "1646.07")
			null(t, "date_paid", l[0].DatePaid)
		}},
		{"create_product.json", func(t *testing.T, c *Client) {
			r, err := c.CreateProduct(ctx, CreateProductParams{Name: "x", Price: "1.00"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "product_id", r.ProductID, "...")
			null(t, "assigned_product_id", r.AssignedProductID)
			eq(t, "message", r.ResponseMessage, "Product successfully created.")
		}},
		{"detail_contact_info.json", func(t *testing.T, c *Client) {
			ci, err := c.ContactInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			text(t, "2co_account_level_id", ci.AccountLevelID, "3")
			text(t, "vendor_id", ci.VendorID, "123456")
			text(t, "mailing_address_id", ci.MailingAddressID, "2436561523")
			text(t, "physical_postal_code", ci.PhysicalPostalCode, "43215")
			// The string "null" and a JSON null: both blank, only one Valid.
			text(t, "customer_service_phone_ext", ci.CustomerServicePhoneExt, "null")
			eq(t, "customer_service_phone_ext blank", ci.CustomerServicePhoneExt.Blank(), true)
			null(t, "office_phone_ext", ci.OfficePhoneExt)
			eq(t, "office_phone_ext blank", ci.OfficePhoneExt.Blank(), true)
		}},
		{"detail_company_info.json", func(t *testing.T, c *Client) {
			ci, err := c.CompanyInfo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			text(t, "vendor_id", ci.VendorID, "1234567")
			text(t, "demo", ci.Demo, "P")
			text(t, "return_method", ci.ReturnMethod, "1")
			text(t, "currency_symbol", ci.CurrencySymbol, "$")
			eq(t, "secret_word revealed", ci.SecretWord.Reveal(), "wh1sky")
			eq(t, "secret_word set", ci.SecretWord.IsSet(), true)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				if s := fmt.Sprintf(verb, ci); strings.Contains(s, "wh1sky") {
					t.Errorf("%s prints the secret word: %s", verb, s)
				}
			}
			if b, _ := json.Marshal(ci); strings.Contains(string(b), "wh1sky") {
				t.Errorf("json.Marshal carries the secret word")
			}
		}},
		{"create_comment.json", func(t *testing.T, c *Client) {
			r, err := c.CreateComment(ctx, CreateCommentParams{SaleID: "1", SaleComment: "x"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Created comment successfully.")
		}},
		{"mark_shipped.json", func(t *testing.T, c *Client) {
			r, err := c.MarkShipped(ctx, MarkShippedParams{SaleID: "1", TrackingNumber: "123"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Sale marked shipped.")
		}},
		{"update_coupon.json", func(t *testing.T, c *Client) {
			r, err := c.UpdateCoupon(ctx, UpdateCouponParams{CouponCode: "APIMODIFY002", Type: "sale"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "coupon_code", r.CouponCode, "APIMODIFY002")
			eq(t, "message", r.ResponseMessage, "Coupon updated successfully")
		}},
		{"create_coupon.json", func(t *testing.T, c *Client) {
			r, err := c.CreateCoupon(ctx, CreateCouponParams{CouponCode: "APITEST004", DateExpire: "2099-12-22", Type: "sale", ValueOff: "5.00"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "coupon_code", r.CouponCode, "APITEST004")
			eq(t, "message", r.ResponseMessage, "Coupon successfully created")
		}},
		{"detail_option.json", func(t *testing.T, c *Client) {
			o, err := c.DetailOption(ctx, DetailOptionParams{OptionID: "4688355343"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "option_id (from the one-element array)", o.OptionID, "4688355343")
			text(t, "option_name", o.OptionName, "decibels")
			eq(t, "values", len(o.OptionValues), 3)
			text(t, "values[1].option_value_surcharge", o.OptionValues[1].OptionValueSurcharge, "22.00")
			text(t, "values[2].option_value_name", o.OptionValues[2].OptionValueName, "250dB")
		}},
		{"list_options.json", func(t *testing.T, c *Client) {
			l, err := c.ListOptions(ctx, ListOptionsParams{SortCol: "option_name", SortDir: "desc"})
			if err != nil {
				t.Fatal(err)
			}
			pi := l.PageInfo
			intv(t, `cur_page ("1")`, pi.CurPage, 1)
			intv(t, "first_entry (1)", pi.FirstEntry, 1)
			intv(t, `last_entry ("1")`, pi.LastEntry, 1)
			intv(t, `pagesize ("20")`, pi.PageSize, 20)
			intv(t, `total_entries ("1")`, pi.TotalEntries, 1)
			eq(t, "next_page null", pi.NextPage.Valid, false)
			eq(t, "previous_page null", pi.PreviousPage.Valid, false)
			text(t, "first_page_url", pi.FirstPageURL, "https://www.2checkout.com/api/products/list_options?cur_page=1")
			eq(t, "Pages()", pi.Pages(), 1)
			text(t, "options[0].option_name", l.Options[0].OptionName, "Volume")
			text(t, "options[0].values[2].name", l.Options[0].OptionValues[2].OptionValueName, "High")
			text(t, "options[0].values[0].surcharge", l.Options[0].OptionValues[0].OptionValueSurcharge, "1.00")
		}},
		{"delete_product.json", func(t *testing.T, c *Client) {
			r, err := c.DeleteProduct(ctx, DeleteProductParams{ProductID: "4136649378"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "message", r.ResponseMessage, "Product successfully deleted.")
		}},
		{"update_product.json", func(t *testing.T, c *Client) {
			r, err := c.UpdateProduct(ctx, UpdateProductParams{ProductID: "4691409938", Name: "test product", Price: "1.00"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "assigned_product_id", r.AssignedProductID, "2561")
			text(t, "product_id", r.ProductID, "4691409938")
			eq(t, "message", r.ResponseMessage, "Product successfully updated")
		}},
		{"detail_product.json", func(t *testing.T, c *Client) {
			p, err := c.DetailProduct(ctx, DetailProductParams{ProductID: "4635212971"})
			if err != nil {
				t.Fatal(err)
			}
			text(t, "product_id", p.ProductID, "4635212971")
			text(t, "assigned_product_id", p.AssignedProductID, "2559")
			text(t, "price", p.Price, "10.00")
			text(t, "commission (the number 0)", p.Commission, "0")
			null(t, "commission_amount", p.CommissionAmount)
			null(t, "approved_url", p.ApprovedURL)
			text(t, "vendor_product_id (empty, not null)", p.VendorProductID, "")
			text(t, "recurring", p.Recurring, "0")
			null(t, "recurrence_p", p.RecurrenceP)
			eq(t, "categories", len(p.Categories), 0)
			eq(t, "images", len(p.Images), 0)
			eq(t, "options", len(p.Options), 2)
			text(t, "options[1].option_id", p.Options[1].OptionID, "4688355343")
			text(t, "options[0].values[1].surcharge", p.Options[0].OptionValues[1].OptionValueSurcharge, "0.50")
			eq(t, "options[1].values", len(p.Options[1].OptionValues), 3)
		}},
		{"list_products.json", func(t *testing.T, c *Client) {
			l, err := c.ListProducts(ctx, ListProductsParams{SortCol: "assigned_product_id", SortDir: "desc"})
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "products", len(l.Products), 15)
			intv(t, `total_entries ("15")`, l.PageInfo.TotalEntries, 15)
			intv(t, "last_page (1)", l.PageInfo.LastPage, 1)
			p := l.Products[0]
			text(t, "[0].name", p.Name, "Casino Royale - Double Room")
			null(t, "[0].commission (null in lists)", p.Commission)
			text(t, "[0].handling", p.Handling, "0.00")
			var opt *Product
			for i := range l.Products {
				if l.Products[i].Name.Value == "OPTION TEST" {
					opt = &l.Products[i]
				}
			}
			if opt == nil {
				t.Fatal("OPTION TEST not found")
			}
			text(t, "categories[0].parent_name", opt.Categories[0].ParentName, "Art & Antiques")
			null(t, "categories[0].description", opt.Categories[0].Description)
			text(t, "options[0].values[1].name", opt.Options[0].OptionValues[1].OptionValueName, "Medium")
			last := l.Products[14]
			text(t, "[14].product_id", last.ProductID, "3970322775")
			text(t, "[14].vendor_product_id", last.VendorProductID, "LTP-003")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f := newFakeAPI(t, jsonHandler(http.StatusOK, testdata(t, tc.file)))
			tc.check(t, newTestClient(t, f.URL))
		})
	}
}

// The recorded error bodies map to *Error with the right helpers, whichever
// of the two shapes they use.
func TestContractErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		file   string
		status int
		code   string
		param  string
		is     func(error) bool
	}{
		{"error_parameter_missing.json", 400, CodeParameterMissing, "sale_or_invoice_id", IsParameterError},
		{"error_record_not_found.json", 404, CodeRecordNotFound, "", IsNotFound},
		{"error_unauthorized.json", 401, CodeUnauthorized, "", IsUnauthorized},
		{"error_exception.json", 403, CodeForbidden, "", IsForbidden},
		// The API may also report errors with a 200.
		{"error_record_not_found.json", 200, CodeRecordNotFound, "", IsNotFound},
		{"error_exception.json", 200, CodeForbidden, "", IsForbidden},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%d", tc.file, tc.status), func(t *testing.T) {
			f := newFakeAPI(t, jsonHandler(tc.status, testdata(t, tc.file)))
			_, err := newTestClient(t, f.URL).DetailSale(ctx, DetailSaleParams{})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want *Error", err, err)
			}
			eq(t, "Status", e.Status, tc.status)
			eq(t, "Code", e.Code, tc.code)
			eq(t, "Code(err)", Code(err), tc.code)
			eq(t, "Parameter", e.Parameter, tc.param)
			eq(t, "Method", e.Method, "sales/detail_sale")
			eq(t, "Errors kept", len(e.Errors), 1)
			eq(t, "helper", tc.is(err), true)
			eq(t, "not unexpected", errors.Is(err, ErrUnexpectedResponse), false)
			eq(t, "hits (4xx and 200 are not retried)", f.hits.Load(), int32(1))
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	shipped := &Error{Method: "sales/mark_shipped", Status: 400, Code: CodeNothingToDo, Message: "Sale already marked shipped."}
	notShippable := &Error{Method: "sales/mark_shipped", Status: 400, Code: CodeNothingToDo, Message: "Item not shippable."}
	refunded := &Error{Method: "sales/refund_invoice", Status: 400, Code: CodeNothingToDo, Message: "Invoice was already refunded."}
	wrapped := fmt.Errorf("handler: %w", shipped)
	eq(t, "IsAlreadyShipped", IsAlreadyShipped(wrapped), true)
	eq(t, "IsNotShippable(shipped)", IsNotShippable(wrapped), false)
	eq(t, "IsNotShippable", IsNotShippable(notShippable), true)
	eq(t, "IsAlreadyShipped(not shippable)", IsAlreadyShipped(notShippable), false)
	eq(t, "IsNotShippable(refund)", IsNotShippable(refunded), false)
	eq(t, "IsParameterError(INVALID_PARAMETER)", IsParameterError(&Error{Code: CodeInvalidParameter}), true)
	eq(t, "IsParameterError(PARAMETER_INVALID)", IsParameterError(&Error{Code: CodeParameterInvalid}), true)
	eq(t, "IsNotFound(nil)", IsNotFound(nil), false)
	eq(t, "Code(plain)", Code(errors.New("x")), "")
	eq(t, "Error() one line", strings.Contains((&Error{Method: "m", Message: "a\nb"}).Error(), "\n"), false)

	// Several errors in one body: all kept, the first exposed.
	f := newFakeAPI(t, jsonHandler(400, []byte(`{"errors":[
		{"code":"PARAMETER_MISSING","message":"Required parameter missing: name","parameter":"name"},
		{"code":"PARAMETER_MISSING","message":"Required parameter missing: price","parameter":"price"}]}`)))
	_, err := newTestClient(t, f.URL).CreateProduct(context.Background(), CreateProductParams{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v", err)
	}
	eq(t, "Parameter", e.Parameter, "name")
	eq(t, "Errors", len(e.Errors), 2)
	eq(t, "Errors[1].Parameter", e.Errors[1].Parameter, "price")
	eq(t, "write with API error is a definite failure", IsOutcomeUnknown(err), false)
}
