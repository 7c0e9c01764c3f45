package sandbox

// methodTable lists the 28 methods of admin-api.md section 2 with their
// declared parameters. Parameters not declared here are ignored.
func methodTable() map[string]*methodSpec {
	one := func(names ...string) []paramSpec {
		out := make([]paramSpec, len(names))
		for i, n := range names {
			out[i] = paramSpec{name: n}
		}
		return out
	}
	join := func(parts ...[]paramSpec) []paramSpec {
		var out []paramSpec
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	specs := []*methodSpec{
		{group: "acct", name: "detail_company_info", fn: detailCompanyInfo},
		{group: "acct", name: "detail_contact_info", fn: detailContactInfo},
		{group: "acct", name: "detail_pending_payment", fn: detailPendingPayment},
		{group: "acct", name: "list_payments", fn: listPayments},

		{group: "sales", name: "detail_sale", params: one("sale_id", "invoice_id"), fn: detailSale},
		{group: "sales", name: "list_sales", params: join(one("sale_id", "invoice_id", "customer_name",
			"customer_email", "customer_phone", "vendor_product_id", "ccard_first6", "ccard_last2",
			"sale_date_begin", "sale_date_end", "declined_recurrings", "active_recurrings", "refunded"),
			pagingParams), fn: listSales},
		{group: "sales", name: "refund_invoice", write: true,
			params: one("sale_id", "invoice_id", "amount", "currency", "comment", "category"), fn: refundInvoice},
		{group: "sales", name: "refund_lineitem", write: true, params: one("lineitem_id", "category", "comment"), fn: refundLineitem},
		{group: "sales", name: "stop_lineitem_recurring", write: true, params: one("lineitem_id"), fn: stopLineitemRecurring},
		{group: "sales", name: "reauth", write: true, params: one("sale_id"), fn: reauth},
		{group: "sales", name: "mark_shipped", write: true,
			params: one("sale_id", "invoice_id", "tracking_number", "cc_customer", "reauthorize", "comment"), fn: markShipped},
		{group: "sales", name: "create_comment", write: true,
			params: one("sale_id", "sale_comment", "cc_vendor", "cc_customer"), fn: createComment},
		{group: "sales", name: "update_lineitem_recurring", write: true,
			params: one("lineitem_id", "comment", "shift", "price"), fn: updateLineitemRecurring},

		{group: "products", name: "create_product", write: true, params: productParams, fn: createProduct},
		{group: "products", name: "detail_product", params: one("product_id"), fn: detailProduct},
		{group: "products", name: "list_products",
			params: join(one("assigned_product_id", "vendor_product_id", "name"), pagingParams), fn: listProducts},
		{group: "products", name: "update_product", write: true, params: join(one("product_id"), productParams), fn: updateProduct},
		{group: "products", name: "delete_product", write: true, params: one("product_id"), fn: deleteProduct},

		{group: "products", name: "create_option", write: true, params: []paramSpec{
			{name: "option_name"}, {name: "option_value_name", multi: true}, {name: "option_value_surcharge", multi: true},
		}, fn: createOption},
		{group: "products", name: "detail_option", params: one("option_id"), fn: detailOption},
		{group: "products", name: "list_options", params: join(one("option_name", "option_value_name"), pagingParams), fn: listOptions},
		// update_option changes one value per call, so its value
		// parameters are single-valued, unlike create_option's.
		{group: "products", name: "update_option", write: true,
			params: one("option_id", "option_name", "option_value_id", "option_value_name", "option_value_surcharge"), fn: updateOption},
		{group: "products", name: "delete_option", write: true, params: one("option_id"), fn: deleteOption},

		{group: "products", name: "create_coupon", write: true, params: couponCreateParams(), fn: createCoupon},
		{group: "products", name: "detail_coupon", params: one("coupon_code"), fn: detailCoupon},
		{group: "products", name: "list_coupons", fn: listCoupons},
		{group: "products", name: "update_coupon", write: true, params: couponParams, fn: updateCoupon},
		{group: "products", name: "delete_coupon", write: true, params: one("coupon_code"), fn: deleteCoupon},
	}
	out := make(map[string]*methodSpec, len(specs))
	for _, s := range specs {
		out[s.group+"/"+s.name] = s
	}
	return out
}

// couponCreateParams is update_coupon's list without new_code.
func couponCreateParams() []paramSpec {
	out := make([]paramSpec, 0, len(couponParams))
	for _, p := range couponParams {
		if p.name != "new_code" {
			out = append(out, p)
		}
	}
	return out
}

// methodNames is the set of method names (without group) that Faults and
// Calls accept.
func methodNames() map[string]bool {
	out := map[string]bool{}
	for _, s := range methodTable() {
		out[s.name] = true
	}
	return out
}
