// Package money holds the panel's rules about money leaving the merchant's
// account, so that pages refuse before anything is sent, with the same
// rules 2Checkout applies (admin-api.md §3.3–3.9): what is left to refund
// on a sale and whether a refund may go, who needs a second person's
// approval, recurring billing, reauthorization and payouts.
//
// It works on apiclient's types and auth's Grants and knows nothing of
// requests, templates or the store: handlers read a form with it, decide
// with it, and send what it returns through the write path.
//
// # Use
//
// The sale page: Assess(sale, now, accountCurrency, panelRefunds) gives
// each invoice's and line's refund position (Why says why not);
// Subscriptions and AuthorizationOf give the recurring lines and the
// card authorization. A refund form: ReadInvoiceRefund or
// ReadLineitemRefund check it into a Refund (errors keyed to the form's
// fields); Refund.Sentence asks for confirmation; Policy.Decide routes it
// (Direct: send Refund.InvoiceParams or LineitemParams; NeedsApproval:
// store a request). Approving: rebuild the Refund from the stored request,
// Recheck it against a fresh Assess, claim the request in the store, send
// it under the request's own idempotency key. Refundable.Refusal,
// StopRefusal and ReauthRefusal word what 2Checkout refused. /payments:
// PayoutOf, PayoutsCSVHeader, Payout.CSVRecord.
//
// The rules that no source states outright are decided here, in one place:
//
// # Currency
//
// The panel refunds in the merchant's own currency: an invoice's total is
// its vendor_total, a line item's amount its vendor_amount, and a partial
// refund is sent with currency=vendor. detail_sale names no currency, so
// the caller passes the account's code (detail_company_info currency_code)
// for display. BACKOFFICE_REFUND_APPROVAL_OVER is in the same currency.
//
// # What is left to refund
//
// detail_sale does not list partial refunds, only line items whose status
// became "refund". So what is left on an invoice is its total, minus the
// line items shown as refunded, minus the refunds the panel itself sent on
// it (the store's refund requests that may have moved money: sending,
// approved or unknown; a line item refund only while the sale does not yet
// show the line as refunded). Refunds made elsewhere (2Checkout's own
// panel) are invisible until the API refuses with TOO_HIGH, which
// Refundable.Refusal puts in plain words. Counting refunds of unknown
// outcome as made errs on the side of never refunding twice.
//
// # Time
//
// The API's times ("YYYY-MM-DD HH:MM:SS") carry no zone; they are read as
// UTC, as the sandbox writes them. A few hours either way only moves the
// edges of the 7- and 180-day windows below.
//
// # Refund windows
//
// An invoice placed more than 180 days ago can no longer be refunded
// (TOO_LATE), counted from the invoice's date_placed.
//
// # Reauthorization
//
// A card payment for physical goods is first only authorized: the invoice
// stays "approved" until shipping captures it (it then becomes "pending",
// later "deposited"). A card authorization lasts 7 days (INS auth_exp is
// the order date plus 7 days), a PayPal one 28 (a recorded "paypal ec"
// sale's auth_exp; the buyer's pay_method or a line's bill_method names
// PayPal), as the sandbox has them; counted from the invoice's date_placed or from
// the latest reauthorization, found as a sale comment beginning "Payment
// reauthorized" (inferred: the API's answer to reauth is "Payment
// reauthorized.", and the sandbox records it as a comment). The panel ends
// it at the hour it began, though auth_exp names only a day: it warns a
// little early rather than late. It warns 2 days ahead and offers
// "Reauthorize" from then on; reauth works at most once a day.
package money
