package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/ins"
	"backoffice/templates/components"
)

// permOverrideHold is who may ship a sale held in fraud review: an admin
// (the one permission only admins hold by default), after ticking a
// confirmation and giving a reason. A custom role gets it only by being
// given the team's management too, never by accident.
const permOverrideHold = auth.UsersManage

// checkFraudHold refuses, in plain words, to ship a sale whose fraud review
// has not passed (2Checkout: goods must not be delivered before "pass"; a
// "fail" cancels the order), unless the person may override it and did so
// with a reason, which is audited. A sale no INS message has mentioned is
// not held: its status is unknown, and the screens say so.
func checkFraudHold(ctx context.Context, rq *request, audit *Auditor, api shipAPI, target string, r ShipRequest) error {
	st, err := api.FraudState(ctx, r.SaleID)
	if err != nil {
		return fmt.Errorf("fraud status of sale %s: %w", r.SaleID, err)
	}
	if !st.Hold() {
		return nil
	}
	if !r.Override || !rq.Can(permOverrideHold) {
		return &holdRefusal{status: http.StatusConflict, msg: holdText(r.SaleID, st.Fraud)}
	}
	if r.OverrideReason == "" {
		return &holdRefusal{status: http.StatusUnprocessableEntity,
			msg: "To ship sale " + r.SaleID + " despite the fraud hold, say why in the reason field."}
	}
	audit.Record(ctx, rq, AuditEntry{Action: "sales.ship.override", Target: target, Outcome: OutcomeOK,
		Detail: "shipped despite fraud status " + st.Fraud.String() + "; reason: " + r.OverrideReason})
	return nil
}

// holdRefusal is checkFraudHold's refusal: nothing was sent. It unwraps to
// an *echo.HTTPError carrying the message, which the ship forms show at
// their top.
type holdRefusal struct {
	status int
	msg    string
}

func (e *holdRefusal) Error() string { return e.msg }
func (e *holdRefusal) Unwrap() error { return echo.NewHTTPError(e.status, e.msg) }

// holdText says why a held sale must not be shipped and what to do.
func holdText(saleID string, f ins.Fraud) string {
	if f == ins.FraudFail {
		return "Do not ship sale " + saleID + ": 2Checkout's fraud review failed it, so the order is cancelled. Put the parcel aside."
	}
	return "Do not ship sale " + saleID + " yet: 2Checkout's fraud review has not passed it (status: wait). " +
		"Put the parcel aside; it can go once the review passes."
}

// fraudView is what the ship forms say about a sale's fraud review: a hold
// that stops shipping (with the override for those who may), or a plain
// note that the status is unknown, never a guess.
func fraudView(rq *request, st ins.SaleState, saleID string, override bool, reason string) *components.FraudHold {
	switch {
	case st.Hold():
		return &components.FraudHold{Held: true, Text: holdText(saleID, st.Fraud), CanOverride: rq.Can(permOverrideHold),
			Override: override, Reason: reason}
	case !st.Known || st.Fraud == ins.FraudUnknown:
		return &components.FraudHold{Text: "Fraud review: status unknown. 2Checkout has sent no notification about this sale, " +
			"so the panel cannot tell whether its review passed."}
	}
	return nil
}
