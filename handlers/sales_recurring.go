package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	"backoffice/form"
	"backoffice/money"
	"backoffice/templates/components"
	salespage "backoffice/templates/pages/sales"
)

// Recurring billing from the sale page (issue 10): each recurring line
// item's state, and "Stop recurring billing" per item or for all of the
// sale, each confirmed first. The API stops one line item per call, so
// "Stop all" makes one write per item, each under its own key derived from
// the form's (partKey): the form sent twice repeats each write, never
// sends one twice.

// subscriptionsSection is the sale page's recurring billing section; nil
// when the sale has no recurring line item.
func subscriptionsSection(rq *request, p paths, id string, sale *apiclient.Sale, currency string) *salespage.Subscriptions {
	subs := money.Subscriptions(sale, currency)
	if len(subs) == 0 {
		return nil
	}
	can := rq.Can(auth.SalesRecurring)
	v := &salespage.Subscriptions{}
	for _, s := range subs {
		it := salespage.Subscription{ID: s.LineitemID, Product: inert(s.Product), Status: inert(s.Status), StatusKind: recurringKind(s),
			NextBill: inert(s.NextBill), Installments: strconv.Itoa(s.Installments) + " billed", Amount: "—",
			Every: inert(every(s)), Note: stopNote(sale, s.Product)}
		if s.Known {
			it.Amount = s.Amount.String()
		}
		if can && s.Active && form.IsDigits(s.LineitemID, apiIDMaxDigits) {
			it.StopURL = p.SaleStopRecurring(id, s.LineitemID)
		}
		v.Items = append(v.Items, it)
	}
	if can && len(money.Stoppable(subs)) > 1 {
		v.StopAllURL = p.SaleStopAllRecurring(id)
	}
	return v
}

// every says how often an item bills and for how long: "1 Month, forever".
func every(s money.Subscription) string {
	var parts []string
	if r := strings.TrimSpace(s.Recurrence); r != "" {
		parts = append(parts, r)
	}
	if d := strings.TrimSpace(s.Duration); d != "" {
		parts = append(parts, strings.ToLower(d))
	}
	return strings.Join(parts, ", ")
}

func recurringKind(s money.Subscription) string {
	switch {
	case s.Active:
		return "ok"
	case s.Status == "Stopped" || s.Status == "Cancelled" || s.Status == "Declined":
		return "bad"
	}
	return "warn"
}

// fieldStopLineitem carries, on the "Stop all" confirmation, each line
// item it stops.
const fieldStopLineitem = "lineitem_id"

// stopNotePrefix begins the comment 2Checkout adds when it stops an item's
// billing ("Recurring billing stopped for <product name>").
const stopNotePrefix = "Recurring billing stopped for "

// stopNote is 2Checkout's latest comment about stopping product's billing,
// with its time; "" when there is none. Comments come newest first.
func stopNote(sale *apiclient.Sale, product string) string {
	for _, cm := range sale.Comments {
		if t := strings.TrimSpace(cm.Comment.Value); t == stopNotePrefix+product {
			return inert(t) + " (" + cm.Timestamp.Or("undated") + ")"
		}
	}
	return ""
}

// subscriptions reads the sale of the path and its recurring line items.
func (h *salesHandler) subscriptions(c echo.Context) (string, []money.Subscription, error) {
	id, sale, err := h.saleOfPath(c)
	if err != nil {
		return "", nil, err
	}
	// Amounts read without the currency when it cannot be had: stopping
	// needs none.
	cur, _ := h.money.currency.Code(c.Request().Context())
	return id, money.Subscriptions(sale, cur), nil
}

// stopForm is the confirmation of stopping the line items ids of sale id.
func (h *salesHandler) stopForm(c echo.Context, id string, subs []money.Subscription, ids []string, action string) components.Confirm {
	cf := components.Confirm{Action: action, Cancel: h.paths.Sale(id) + "#recurring", CSRF: requestOf(c).CSRF(),
		Key:         keepFormKey(formKeyOf(c)),
		Consequence: "The buyer is not billed again for these. The panel cannot restart them afterwards: 2Checkout's API has no call for that."}
	for _, s := range subs {
		for _, li := range ids {
			if s.LineitemID == li {
				what := s.Status
				if s.NextBill != "" {
					what += ", next bill " + s.NextBill
				}
				cf.Facts = append(cf.Facts, components.Fact{Label: inert(s.Product), Value: inert(what)})
				cf.Carry = append(cf.Carry, components.Hidden{Name: fieldStopLineitem, Value: li})
			}
		}
	}
	return cf
}

// confirmStop asks before stopping one line item's billing.
func (h *salesHandler) confirmStop(c echo.Context) error {
	id, subs, s, err := h.subscription(c)
	if err != nil {
		return err
	}
	if !s.Active {
		return echo.NewHTTPError(http.StatusConflict, "Recurring billing of "+inert(s.Product)+" is not active ("+inert(s.Status)+"): there is nothing to stop.")
	}
	cf := h.stopForm(c, id, subs, []string{s.LineitemID}, h.paths.SaleStopRecurring(id, s.LineitemID))
	cf.Question, cf.Submit = "Stop recurring billing of "+inert(s.Product)+"?", "Stop recurring billing"
	return h.renderPrivate(c, http.StatusOK, "Stop recurring billing", components.ConfirmPage(cf), nil)
}

// confirmStopAll asks before stopping every active line item of the sale.
func (h *salesHandler) confirmStopAll(c echo.Context) error {
	id, subs, err := h.subscriptions(c)
	if err != nil {
		return err
	}
	ids := money.Stoppable(subs)
	if len(ids) == 0 {
		return echo.NewHTTPError(http.StatusConflict, "No item of this sale is billing any more: there is nothing to stop.")
	}
	cf := h.stopForm(c, id, subs, ids, h.paths.SaleStopAllRecurring(id))
	cf.Question, cf.Submit = "Stop all recurring billing of sale "+id+"?", "Stop all recurring billing"
	return h.renderPrivate(c, http.StatusOK, "Stop recurring billing", components.ConfirmPage(cf), nil)
}

// subscription reads the sale of the path, its recurring line items, and
// the one the path names.
func (h *salesHandler) subscription(c echo.Context) (string, []money.Subscription, money.Subscription, error) {
	id, subs, err := h.subscriptions(c)
	if err != nil {
		return "", nil, money.Subscription{}, err
	}
	li, err := pathID(c, "lineitem")
	if err != nil {
		return "", nil, money.Subscription{}, err
	}
	for _, s := range subs {
		if s.LineitemID == li {
			return id, subs, s, nil
		}
	}
	return "", nil, money.Subscription{}, echo.NewHTTPError(http.StatusNotFound, "This sale has no recurring line item "+li+".")
}

// stopRecurring stops one line item's billing (the one in the path).
func (h *salesHandler) stopRecurring(c echo.Context) error {
	id, subs, s, err := h.subscription(c)
	if err != nil {
		return err
	}
	return h.stop(c, id, subs, []string{s.LineitemID}, h.paths.SaleStopRecurring(id, s.LineitemID), false)
}

// stopAllRecurring stops the line items the confirmation listed: exactly
// those, so the form sent again repeats the same writes.
func (h *salesHandler) stopAllRecurring(c echo.Context) error {
	id, subs, err := h.subscriptions(c)
	if err != nil {
		return err
	}
	vals, err := posted(c)
	if err != nil {
		return err
	}
	in := form.NewReader(vals)
	ids := in.List(fieldStopLineitem, "Line items", 100)
	for _, li := range ids {
		if !hasSubscription(subs, li) {
			in.Errors.Add(fieldStopLineitem, "Line item "+li+" is not a recurring item of this sale.")
		}
	}
	if len(ids) == 0 && !in.Errors.Any() {
		in.Errors.Add(fieldStopLineitem, "Nothing was chosen to stop.")
	}
	if msg := in.Errors.Get(fieldStopLineitem); msg != "" {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, msg+" Go back to the sale and start again.")
	}
	return h.stop(c, id, subs, ids, h.paths.SaleStopAllRecurring(id), true)
}

func hasSubscription(subs []money.Subscription, li string) bool {
	for _, s := range subs {
		if s.LineitemID == li {
			return true
		}
	}
	return false
}

// stop sends one stop_lineitem_recurring per line item, in order, and
// answers with what became of each. One item is sent under the form's key;
// "Stop all" (several) sends each under its part of it.
func (h *salesHandler) stop(c echo.Context, id string, subs []money.Subscription, ids []string, action string, several bool) error {
	key := formKeyOf(c)
	if !validFormKey(key) {
		return errFormKey
	}
	rq := requestOf(c)
	var done, nothing, failed []string
	var status int
	unknown := false
	for _, li := range ids {
		name := li
		for _, s := range subs {
			if s.LineitemID == li {
				name = inert(s.Product)
			}
		}
		k := key
		if several {
			k = partKey(key, li)
		}
		out, err := h.wr.Do(c.Request().Context(), rq, Write{Action: "sales.recurring.stop", Permission: auth.SalesRecurring,
			Target: "sale:" + id, Key: k, Send: send(h.money.api.StopLineitemRecurring, apiclient.StopLineitemRecurringParams{LineitemID: li})})
		if err != nil {
			return err
		}
		var ae *apiclient.Error
		switch {
		case out.Succeeded():
			done = append(done, name)
		case errors.As(out.Err, &ae) && ae.Code == apiclient.CodeNothingToDo:
			nothing = append(nothing, name)
		default:
			msg, ok := money.StopRefusal(out.Err)
			if !ok {
				msg = out.Message()
			}
			failed = append(failed, name+": "+msg)
			unknown = unknown || out.Unknown()
			status = max(status, out.Status())
		}
	}
	if len(done) > 0 {
		h.flash(c, "ok", "Recurring billing stopped for "+strings.Join(done, ", ")+". 2Checkout's note is in the sale's comments.")
	}
	if len(nothing) > 0 {
		h.flash(c, "warn", strings.Join(nothing, ", ")+": 2Checkout says it was not billing any more, so there was nothing to stop.")
	}
	if len(failed) == 0 {
		return redirect(c, h.paths.Sale(id)+"#recurring")
	}
	// Shown again under the same key: the items already stopped are
	// answered from the record, the others sent again.
	cf := h.stopForm(c, id, subs, ids, action)
	cf.Question, cf.Submit = "Recurring billing was not stopped for everything", "Try again"
	cf.Key = key
	cf.Error = strings.Join(failed, " ")
	if unknown {
		cf.Error += " Check the sale before trying again: " + lowerFirst(Outcome{State: "unknown"}.Message())
	}
	return h.renderPrivate(c, status, "Stop recurring billing", components.ConfirmPage(cf), nil)
}
