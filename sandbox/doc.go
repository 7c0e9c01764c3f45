// Package sandbox is an offline fake of the 2Checkout Admin API, so the
// panel runs and is tested with no network and no account (SPEC.md section
// 5). It is a second, independent implementation of the wire protocol
// described in admin-api.md and shares no code or types with apiclient: if
// both used one set of types, a wrong JSON key would be wrong in both and
// every test would still pass.
//
// # What it serves
//
// All 28 methods of admin-api.md section 2 under "/api/<group>/<method>",
// on GET and POST alike, with parameters merged from the query string and
// an urlencoded or multipart body; HTTP Basic auth with the realm
// "2CO API"; JSON when the Accept header contains application/json, XML
// otherwise. Run-time control endpoints, under the same Basic auth and
// outside /api so they never collide with it: GET /_sandbox/faults (the
// current faults as JSON: {"latency":"300ms","fail_rate":"0.1",
// "force_error":"mark_shipped=FAILED"}), POST /_sandbox/faults (form fields
// latency, fail_rate, force_error in ParseFaults syntax; an absent field
// keeps its value, an empty one clears it), POST /_sandbox/reset and GET
// /_sandbox/calls (a JSON map method -> count). Sandbox.Calls and
// Sandbox.SaleFixtures let tests check results in the sandbox itself.
//
// # Choices where admin-api.md has a gap
//
// Each is kept in one place so it is easy to change when evidence turns up.
//
//   - XML (section 7): root element <response>; keys become element names;
//     each element of an array becomes a sibling element named after the
//     array's key, so an empty array leaves no element at all; null is an
//     empty element (<date_shipped/>); numbers and strings are text, escaped.
//     "2co_account_level_id" is not a legal XML name and is spelled
//     "_2co_account_level_id". XML is derived from the JSON bytes (jsonToXML),
//     so both formats always carry the same keys and values.
//   - HTTP status per code: PARAMETER_* 400, UNAUTHORIZED 401, FORBIDDEN
//     403, RECORD_NOT_FOUND 404, INTERNAL_ERROR 500, every other code 400
//     (statusFor). An unknown method is 404 NOT_FOUND, a method other than
//     GET/POST 405 METHOD_NOT_ALLOWED, an unreadable body 400
//     INVALID_REQUEST, a body over 1 MiB 413 INVALID_REQUEST.
//   - Invented response_message texts (list_sales, list_payments,
//     list_coupons, update_lineitem_recurring) are marked in
//     successMessages. list_coupons does carry response_code and
//     response_message.
//   - An empty list_sales (or any list) result is an empty array with
//     total_entries "0" on page 1; a page past the last is RECORD_NOT_FOUND.
//   - page_info has all 11 keys with the recorded mix of types: cur_page,
//     last_entry, pagesize and total_entries are strings; first_entry,
//     first_page and last_page numbers; next_page and previous_page numbers
//     or null. Its URLs carry cur_page, and pagesize only when the request
//     gave one (as in both recordings); filters and sorting are not repeated.
//     first_entry is 0 for an empty result.
//   - Default orders: list_sales newest first (date_placed DESC) unless
//     sort_col is given; list_products assigned_product_id ASC; list_options
//     option_id ASC; list_coupons newest first; sort_dir defaults to ASC.
//     Ties are broken by id. Null sorts before any value.
//   - Empty parameter values count as not given (clients such as PHP's send
//     empty fields), except for the free-text fields of create_product and
//     update_product: an empty description, long_description or
//     vendor_product_id is stored as "", an empty pending_url or approved_url
//     as null. A single empty option_id / category_id / product_id value
//     clears that set on update.
//   - Unknown parameters are ignored (several clients send vendor_id). A
//     repeated single-valued parameter, or a value that is not valid UTF-8 or
//     contains NUL, is PARAMETER_INVALID for it.
//   - Required free text that is only blanks is PARAMETER_INVALID (absent or
//     empty is PARAMETER_MISSING). Text limits, counted in characters: name,
//     description, vendor_product_id, option and value names, tracking_number
//     and mark_shipped's comment 255; long_description, sale_comment and
//     refund comments 5000; URLs 1024.
//   - mark_shipped without sale_id and invoice_id is PARAMETER_MISSING
//     sale_id (refund_invoice likewise). A sale with several invoices and no
//     invoice_id is PARAMETER_MISSING invoice_id (refund_invoice: AMBIGUOUS, as
//     documented). An invoice_id not of the given sale_id is
//     PARAMETER_INVALID invoice_id (detail_sale too). A fully refunded
//     invoice is not shippable. cc_customer and cc_vendor send no e-mail.
//   - Shipping sets invoice.date_shipped and shipping.date_shipped (UTC day)
//     and shipping.tracking_number, moves the invoice from "approved" to
//     "pending" (capture), and adds the comment "Sale marked shipped.
//     Tracking number: <n>" plus a second line with the caller's comment.
//     Comments made through the API carry the API username and the caller's
//     IP address, and a UTC timestamp from Config.Now.
//   - Reauthorization (reauth, and mark_shipped with reauthorize=1 on a sale
//     whose authorization expired): TOO_LATE when no invoice of the sale is
//     still "approved"; TOO_SOON when an attempt was already made that UTC
//     day (a failed attempt counts); FAILED on the seeded ReauthFailed sale.
//     mark_shipped on an expired sale without reauthorize=1 ships anyway.
//   - Refunds: all seeded money is USD for vendor and customer alike, so
//     currency is validated but changes nothing. Refunds are tracked per
//     invoice; when an invoice is refunded in full all its line items get
//     status "refund" (billing too); refund_lineitem flags its line item.
//     Refunds do not stop recurring billing. Comments: "Refund Issued On
//     Invoice: <comment>" (as recorded in 2012) and "Refund Issued On
//     Lineitem: <comment>". Only line items of type "product" can be refunded
//     (INVALID_PARAMETER otherwise). The 180-day limit counts from the
//     invoice's date_placed.
//   - stop_lineitem_recurring and update_lineitem_recurring on a line item
//     that is not actively recurring: NOTHING_TO_DO "Lineitem is not
//     scheduled to recur.". Stopping sets recurring_status "stopped",
//     date_end today and date_next null. update_lineitem_recurring: shift is
//     1..3650 days added to date_next; price must be lower than the current
//     billing amount (else PARAMETER_INVALID price) and replaces the billing
//     amounts; neither given is PARAMETER_MISSING "shift_or_price"; PayPal
//     line items answer FORBIDDEN "Recurring billing of PayPal sales cannot
//     be updated.".
//   - create_product answers product_id (10 digits) and assigned_product_id
//     (the next integer after the highest in the catalogue) like
//     update_product's recorded answer. Category ids must be in
//     categoryTable. In list_products, commission is null, or "1" for a
//     product paying one; in detail_product it is the number 0 or 1.
//     recurrence_p mirrors recurrence for recurring products, else null.
//     Intangible products have weight null. name filters by substring,
//     vendor_product_id and assigned_product_id match exactly
//     (case-insensitively for the former).
//   - update_option changes one value per call, so its value parameters
//     are single-valued: option_value_id with a name and/or surcharge
//     updates that value; option_value_id alone deletes it (the last value
//     cannot be deleted: PARAMETER_INVALID option_value_id); name and
//     surcharge without option_value_id add a value. Surcharges are amounts
//     >= 0. delete_option removes the option from every product.
//   - Coupons: codes are unique case-insensitively and looked up the same
//     way. Generated codes look like "2CO-XXXXXXXXXX". Sale and shipping
//     coupons always apply to every product (detail_coupon shows product
//     "0", like the recorded sale coupon). update_coupon with
//     percentage_off or value_off but no minimum_purchase is
//     PARAMETER_MISSING minimum_purchase, as its seed page says. Deleting a
//     product removes it from coupons.
//   - Ids of new records come from one counter in the state (10 digits,
//     step 3), so they are deterministic too.
//   - Forced errors (Faults.ForceError) use the method's documented message
//     for that code (forcedMessages); PARAMETER_* errors name the method's
//     first parameter, or vendor_id for methods without any.
//   - Calls counts authenticated requests to known methods only.
//
// # Seed
//
// The account, payments, products, options and coupons of the seed pages
// and admin-api.md, as recorded (the 15 products of the list_products
// example, "API product", the decibels, Volume and extra benefit options,
// APITEST002, TESTPERCENT, APIMODIFY002), plus: a product whose name,
// description and URLs carry markup and script (Fixtures.HostileProduct);
// tangible products with options, a tangible subscription box and an
// affiliate product; two more options; seven more coupons of every type;
// the categories of categoryTable; 272 sales placed from 2026-01-01 to
// 2026-11-15 (see Fixtures for the ones tests can name); and, with
// Config.LargeCatalog, that many generated products.
//
// # State
//
// The whole state is one JSON file (Config.StatePath), written atomically
// after every successful write call; if writing fails, the change is
// rolled back in memory and the call answers 500 INTERNAL_ERROR. A file
// that exists is loaded as it is, whatever Config.LargeCatalog says; Reset
// reseeds. The seed is deterministic: the same bytes on every run.
package sandbox
