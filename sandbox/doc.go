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
// "2CO API"; JSON when the Accept header contains application/json, the
// XOXO HTML microformat when it contains text/html, XML otherwise.
// Run-time control endpoints, under the same Basic auth and outside /api so
// they never collide with it: GET /_sandbox/faults (the current faults as
// JSON: {"latency":"300ms","fail_rate":"0.1",
// "force_error":"mark_shipped=FAILED"}), POST /_sandbox/faults (form fields
// latency, fail_rate, force_error in ParseFaults syntax; an absent field
// keeps its value, an empty one clears it; ins_fault in ParseINSFaults
// syntax), POST /_sandbox/reset, GET /_sandbox/calls (a JSON map method ->
// count), GET /_sandbox/ins (the INS messages recorded and their delivery),
// POST /_sandbox/ins (send one now), POST /_sandbox/ins/deliver (attempt
// every pending one now) and POST /_sandbox/orders (place one order now).
// Sandbox.Calls, Sandbox.SaleFixtures, Sandbox.INSDeliveries,
// Sandbox.FraudStatus, Sandbox.SendINS, Sandbox.DeliverINS and
// Sandbox.OrderStep let tests check and drive the sandbox itself; Close
// stops its background work.
//
// # INS
//
// The sandbox sends 2Checkout's Instant Notification Service messages for
// its own events, as ins.md and the vendor's INS guide describe them, to
// Config.INSURL: ORDER_CREATED and FRAUD_STATUS_CHANGED for the orders the
// generator places (Config.OrdersEvery; see orders.go for their life),
// SHIP_STATUS_CHANGED after mark_shipped, REFUND_ISSUED after
// refund_invoice and refund_lineitem, RECURRING_STOPPED after
// stop_lineitem_recurring, INVOICE_STATUS_CHANGED whenever an invoice's
// status moves (capture at shipping, a generated order's capture and
// deposit, a cancellation). Each is an HTTP POST,
// application/x-www-form-urlencoded, of every common parameter in ins.md's
// order, then item_count and the numbered item parameters, with key_count
// the number of parameters sent (key_count itself included, as in the
// recorded messages: 56 keys for one item), message_id one more than the
// merchant's previous message, md5_hash = UPPER(MD5(sale_id + vendor_id +
// invoice_id + secret word)) with the account's secret word and vendor_id
// (detail_company_info's), and times in U.S. Eastern: timestamp
// "YYYY-MM-DD HH:MM:SS EST" (or EDT), sale_date_placed and auth_exp
// "YYYY-MM-DD". Choices where the sources differ:
//
//   - message_description is the text of the guide's example for each
//     message ("Order fraud status changed", "Order ship status changed",
//     "Invoice status changed", "Refund issued", "Recurring order stopped");
//     ORDER_CREATED's "New order created" as ins.md shows it.
//   - REFUND_ISSUED and RECURRING_STOPPED are item-level: item_count 1, the
//     refund item (item_type "refund") or the stopped item
//     (item_rec_status "canceled"). ins.md lists REFUND_ISSUED as
//     invoice-level, but the guide and the vendor's later pages say it is
//     sent "once for each refund item issued" with only that item.
//   - Item-level messages carry every common parameter too, fraud_status
//     included (ins.md, and the brief the panel's receiver is written to);
//     the guide's item-level examples leave out the six invoice figures
//     (key_count 50).
//   - sale_date_placed is a date (ins.md, the parameter tables); the
//     guide's examples and the omnipay recording show a time after it, so a
//     receiver should read its first ten characters.
//   - ORDER_CREATED carries fraud_status "wait": the review starts with the
//     order. FRAUD_STATUS_CHANGED follows at once, "pass" or, for an order
//     held for review, "wait"; a held order gets "pass" or "fail" later. The
//     documentation's ORDER_CREATED example shows "pass" (an order reviewed
//     before it was announced).
//   - item_rec_status: "live" for active recurring billing, "canceled" for
//     stopped, "" for an item that does not recur; item_type "bill" or
//     "refund".
//
// Delivery runs in the background from a queue kept in the state, so a
// restart loses no pending message (one being sent when the process stops
// is sent again: at-least-once, as the service itself, which is why
// receivers dedupe on message_id). A 2xx answer is a delivery; anything else,
// a redirect or no answer within 10 s is a failure, retried after 15 s,
// 1 min, 5 min, 15 min, 1 h, 3 h and 6 h, then given up ("failed") after 8
// attempts. The INS fault knob drops, duplicates or reorders deliveries
// (INSFaults). Without Config.INSURL nothing is sent, but messages are still
// recorded ("unsent"). The state keeps the last 1000 finished messages and
// every pending one. The message counter survives Reset and starts, for a
// new state, at the seconds since 2020, so a receiver never takes a new
// message for a replay of an old one.
//
// The Admin API's detail_sale has no fraud status; the sandbox keeps one
// per sale (Sandbox.FraudStatus): "pass" for seeded sales but
// Fixtures.FraudReview ("wait") and Fixtures.FraudFailed ("fail"), and
// whatever the generator or SendINS set. Like the API, mark_shipped does
// not refuse a sale in review: not shipping it is the merchant's side.
// Each generated order adds a sale to the state (about 5 KB): a sandbox left
// generating for days grows its state file accordingly, until Reset.
//
// # The live API's own behaviour
//
// Where the official libraries' live tests and the recorded responses show
// what the real service does, the sandbox does the same (issue 9), even
// against the documentation tables. Where those sources disagree with each
// other, the choice and its evidence are here.
//
//   - An empty list is RECORD_NOT_FOUND "Unable to find record." with HTTP
//     400, not an empty array: list_sales, list_products and list_options
//     (a page past the last too) and list_coupons. The one
//     exception is list_payments, which answers an empty "payments" array
//     for an account never paid: the vendor's own live test asserts exactly
//     that for a new account (PY test/test_twocheckout.py test_2_list,
//     len(payments) == 0), and it is the only source for that method. The
//     seeded account always has payments, so it never shows.
//   - RECORD_NOT_FOUND is 400 wherever it appears (statusFor): the status
//     the live API was seen to answer (issue 9), which the overview's
//     "typically 400" also allows. Clients recognise it by its code.
//   - detail_coupon of a code nobody has answers FORBIDDEN "Access denied to
//     coupon.", like a code of another merchant (issue 9: codes are looked
//     up across merchants). update_coupon and delete_coupon of an unknown
//     code keep RECORD_NOT_FOUND: no source shows otherwise for them.
//   - update_product and update_coupon are partial: only the parameters
//     sent change, name and price (product) or type (coupon) included. The
//     vendor's own tests update a product with name alone (PHP
//     test/ProductTest.php testProductUpdate, RUBY test "Product create,
//     find, update, delete") and a coupon with date_expire alone (PHP
//     test/CouponTest.php testCouponUpdate, RUBY coupon.update). An empty
//     value counts as not sent. update_coupon's seed-page rule stays:
//     percentage_off or value_off without minimum_purchase is
//     PARAMETER_MISSING minimum_purchase.
//   - detail_sale lists comments newest first; new ones go on top.
//   - Fee line items look as the 2017 recording shows them (OMNIPAY
//     tests/Mock/DetailSaleSuccess.txt, admin-api.md 4.1): "Tax Fee" and
//     "Shipping Fee" have type "product" like the goods, and null
//     vendor_product_id, product_id, installment, product_duration,
//     product_recurrence and product_startup_fee; their billing has
//     recurring_status and date_next null and date_end equal to date_fail.
//     In an invoice the Tax Fee comes before the Shipping Fee, which is
//     last. Every seeded tangible sale carries a Shipping Fee, most US ones a
//     Tax Fee. Fees are told apart from goods by a null vendor_product_id
//     and installment (isFeeLine); they cannot be refunded alone.
//   - Accept: text/html gets the "HTML XOXO microformat" (admin-api.md 1.1,
//     microformats.org/wiki/xoxo), which no source shows: one
//     <ul class="xoxo"> whose single <li> holds the response object; an
//     object is a <dl> of <dt>key</dt><dd>value</dd> pairs in the JSON's
//     order, an array a <ul> of <li>s (empty: an empty <ul>), a scalar its
//     escaped text, null an empty <dd>/<li>. It is derived from the JSON
//     bytes (jsonToXOXO) like the XML, so the three formats carry the same
//     keys and values; the page is valid HTML5 and well-formed XML, and is
//     served with a CSP that lets nothing run. JSON wins when an Accept
//     header names both.
//
// # Money rules
//
//   - Refunds (refunds.go): each refund is a line item of its invoice with
//     type and status "refund" and the refunded amount, positive, in
//     customer_amount, usd_amount and vendor_amount (INS sends refunds as
//     items of item_type "refund"; the INS guide says a refund is "for
//     specific products / items, or partial"). refund_lineitem's item links
//     to the refunded line item (linked_id, its name and ids) and flags that
//     line item and its billing "refund"; refund_invoice's item is a
//     "partial" refund named "Refund" with no linked_id and flags nothing,
//     because after a full refund_invoice the vendor's live test gets
//     TOO_HIGH "Lineitem amount greater than remaining balance on invoice."
//     from refund_lineitem, not "Lineitem was already refunded." (PY
//     test_5_refund_lineitem; the PHP test gets "already refunded" for a
//     line item refunded itself). What is left to refund is usd_total
//     minus the refund items; invoice totals and status stay as billed (INS
//     invoice_status has no refunded value). Comments: "Refund Issued On
//     Invoice: <comment>" (recorded in 2012) and "Refund Issued On Lineitem:
//     <comment>" (invented likewise). Refunds do not stop recurring billing.
//   - refund_invoice checks, in order: comment, category (7 FORBIDDEN),
//     amount and currency, TOO_LOW, the invoice (AMBIGUOUS without
//     invoice_id on a sale of several invoices), TOO_LATE (over 180 days
//     from the invoice's date_placed), NOTHING_TO_DO "Invoice was already
//     refunded." when nothing is left, TOO_HIGH. TOO_LATE comes first
//     because the RUBY test gets "Invoice too old to refund." for a sale it
//     calls refunded; the PHP test gets "Invoice was already refunded." for
//     a younger one. The PY test gets TOO_HIGH repeating a full refund of a
//     sale whose line item it had refunded before: consistent with the
//     above only if a refund without amount asks for the whole invoice; the
//     sandbox follows the documentation instead (amount defaults to what is
//     left) and answers NOTHING_TO_DO once nothing is left, as the PHP test
//     and admin-api.md 3.3 say. All seeded money is USD for vendor and
//     customer alike, so currency (usd, vendor, customer) is validated but
//     converts nothing.
//   - refund_lineitem checks, in order: category, comment,
//     INVALID_PARAMETER "This lineitem cannot be refunded." for fee and
//     refund items (before the age: the RUBY test gets it for an old sale's
//     last line item), TOO_LATE, NOTHING_TO_DO "Lineitem was already
//     refunded.", TOO_LOW for a 0.00 item, TOO_HIGH when the item is more
//     than is left.
//   - A failed fraud review cancels the order: its invoice is "declined" and
//     refunded in full by a refund item (INS revision 1.1: Refund Issued
//     replaced 1.0's Order Cancelled), so refunds answer NOTHING_TO_DO and
//     mark_shipped "Item not shippable.".
//   - stop_lineitem_recurring sets recurring_status "stopped", date_next
//     null and date_end today, and adds the comment "Recurring billing
//     stopped for <product name>" (gist 3801155). On a line item that is not
//     actively recurring (stopped, never recurring, a fee) it answers
//     NOTHING_TO_DO "Lineitem is not scheduled to recur." (the message of the
//     PHP, PY and RUBY tests; its code is undocumented, and NOTHING_TO_DO is
//     the code the API uses for the other "already done" answers), as does
//     update_lineitem_recurring. update_lineitem_recurring: shift is
//     1..3650 days added to date_next; price must be lower than the current
//     billing amount (else PARAMETER_INVALID price) and replaces the billing
//     amounts; neither given is PARAMETER_MISSING "shift_or_price"; PayPal
//     line items answer FORBIDDEN "Recurring billing of PayPal sales cannot
//     be updated.".
//   - Authorizations: a card authorization holds 7 days from the last
//     invoice (INS example: sale 2012-02-11, auth_exp 2012-02-18), a PayPal
//     one 28 (the recorded FRAUD_STATUS_CHANGED of a "paypal ec" sale); the
//     sale keeps the last day it holds (INS auth_exp). Reauthorization
//     (reauth, and mark_shipped with reauthorize=1 on a sale whose
//     authorization expired): TOO_LATE when no invoice of the sale is still
//     "approved" (payment pending or deposited); TOO_SOON within 24 hours of
//     the previous attempt, failed ones included ("Please wait until the
//     next day"); FAILED on the seeded ReauthFailed card; success renews the
//     authorization for 7 (28) days from now and adds the comment "Payment
//     reauthorized.". mark_shipped on an expired sale without reauthorize=1
//     ships anyway; with reauthorize=1 on a valid authorization it does not
//     renew it.
//   - Payouts (payments.go): payments every 14 days, the latest 6 days
//     before the seed's creation, each paying the invoices deposited before
//     it: total_sales and total_fees are those invoices' usd_total and
//     fees_2co, total_outgoing_commissions their affiliate commissions,
//     total_refunds the refunds issued in its period; 5% of sales is held as
//     reserve and released 7 payments later; one payment was voided and its
//     amount carried forward (total_balance_forward) by the next; one has a
//     20.00 chargeback fee. Every payment adds up: amount = total_sales -
//     total_refunds - total_fees - total_chargeback_fees -
//     total_outgoing_commissions + total_commissions - reserve_held +
//     total_reserve_released + total_adjustments + total_balance_forward.
//     Paid invoices carry date_vendor_paid and payout_status "Paid";
//     deposited unpaid ones "Pending Payout"; others "Pending Capture".
//     detail_pending_payment is computed at each call from the deposited
//     unpaid invoices and the refunds since the last payment, so a refund
//     issued now shows in it at once. Payments of 10,000.00 or more go by
//     wire, the others by ACH.
//
// # Other choices where admin-api.md has a gap
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
//   - HTTP status per code: PARAMETER_* and RECORD_NOT_FOUND 400,
//     UNAUTHORIZED 401, FORBIDDEN 403, INTERNAL_ERROR 500, every other code
//     400 (statusFor). An unknown method is 404 NOT_FOUND, a method other
//     than GET/POST 405 METHOD_NOT_ALLOWED, an unreadable body 400
//     INVALID_REQUEST, a body over 1 MiB 413 INVALID_REQUEST.
//   - Invented response_message texts (list_sales, list_payments,
//     list_coupons, update_lineitem_recurring) are marked in
//     successMessages. list_coupons does carry response_code and
//     response_message.
//   - page_info has all 11 keys with the recorded mix of types: cur_page,
//     last_entry, pagesize and total_entries are strings; first_entry,
//     first_page and last_page numbers; next_page and previous_page numbers
//     or null. Its URLs carry cur_page, and pagesize only when the request
//     gave one (as in both recordings); filters and sorting are not repeated.
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
//     PARAMETER_INVALID invoice_id (detail_sale too). A fully refunded or
//     declined invoice is not shippable. cc_customer and cc_vendor send no
//     e-mail.
//   - Shipping sets invoice.date_shipped and shipping.date_shipped (UTC day)
//     and shipping.tracking_number, moves the invoice from "approved" to
//     "pending" (capture), and adds the comment "Sale marked shipped.
//     Tracking number: <n>" plus a second line with the caller's comment.
//     Comments made through the API carry the API username and the caller's
//     IP address, and a UTC timestamp from Config.Now.
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
//     "0", like the recorded sale coupon). Deleting a product removes it
//     from coupons.
//   - Ids of new records come from one counter in the state (10 digits,
//     step 3), so they are deterministic too.
//   - Forced errors (Faults.ForceError) use the method's documented message
//     for that code (forcedMessages); PARAMETER_* errors name the method's
//     first parameter, or vendor_id for methods without any.
//   - Calls counts authenticated requests to known methods only.
//
// # Seed
//
// The account, products, options and coupons of the seed pages and
// admin-api.md, as recorded (the 15 products of the list_products example,
// "API product", the decibels, Volume and extra benefit options,
// APITEST002, TESTPERCENT, APIMODIFY002), plus: a product whose name,
// description and URLs carry markup and script (Fixtures.HostileProduct);
// tangible products with options, a tangible subscription box and an
// affiliate product; two more options; seven more coupons of every type;
// the categories of categoryTable; 277 sales placed over the 323 days
// before the state's creation (see Fixtures for the ones tests can name),
// with the payouts that paid them; and, with Config.LargeCatalog, that many
// generated products.
//
// Dates are relative to the moment the state is created: the seed is
// generated as if created on 2026-11-20 (refDay) and every date of its
// sales and payments is then moved by whole days to the creation day
// (shiftDates), so ids, amounts and order are the same whatever the clock
// while fresh fixtures stay days old: a refund of one never turns TOO_LATE
// because the sandbox is run a year later. Coupon expiry dates are fixed
// examples and do not move. Given the clock (Config.Now) the seed is
// deterministic: the same bytes on every run.
//
// # State
//
// The whole state is one JSON file (Config.StatePath), written atomically
// after every successful write call; if writing fails, the change is
// rolled back in memory and the call answers 500 INTERNAL_ERROR. A file
// that exists is loaded as it is, whatever Config.LargeCatalog says; Reset
// reseeds as of the clock. A file of an older layout (version 1) is renamed
// to "<path>.old" and the sandbox reseeds, with a warning in the log; a
// file of an unknown newer version is refused.
package sandbox
