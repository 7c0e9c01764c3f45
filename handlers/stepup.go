package handlers

import (
	"context"
	"errors"
	"strings"

	"backoffice/auth"
	"backoffice/form"
)

// stepUp asks a signed-in person for their password again (and, when they
// have one, a second-factor code) before an action that must be theirs:
// approving a refund. Wrong passwords count in the throttle's StepUp scope
// and wrong codes in its SecondFactor scope, claimed before the secret is
// checked, so a stolen session cannot guess its way through.
type stepUp struct {
	throttle *auth.Throttle
	hasher   *auth.Hasher
	users    userStore
}

// Fields of a step-up.
const (
	fieldStepPassword = "password"
	fieldStepCode     = "code"
)

// check verifies the password and code typed by the person of rq. Problems
// come back as errors keyed by field ("password", "code") in plain words,
// with failed true when a secret was checked and was wrong (worth an audit
// entry); err is for a store that could not answer.
func (s *stepUp) check(ctx context.Context, rq *request, password, code string) (errs form.Errors, failed bool, err error) {
	errs = form.Errors{}
	u := rq.User()
	if password == "" {
		errs.Add(fieldStepPassword, "Type your password to confirm it is you.")
		return errs, false, nil
	}
	ok, err := s.claimed(ctx, auth.StepUp, rq, errs, fieldStepPassword, func() (bool, error) {
		good, _, err := s.hasher.Verify(ctx, password, u.PasswordHash)
		return good, err
	})
	if err != nil || !ok {
		if errs.Get(fieldStepPassword) == "" && err == nil {
			errs.Add(fieldStepPassword, "That is not your password.")
			failed = true
		}
		return errs, failed, err
	}
	if !u.TOTPEnabled {
		return errs, false, nil
	}
	code = strings.TrimSpace(code)
	if code == "" {
		errs.Add(fieldStepCode, "Type the code from your authenticator app (or a recovery code).")
		return errs, false, nil
	}
	ok, err = s.claimed(ctx, auth.SecondFactor, rq, errs, fieldStepCode, func() (bool, error) {
		good, _, err := verifySecondFactor(ctx, s.users, u, code, rq.Now())
		return good, err
	})
	if err == nil && !ok && errs.Get(fieldStepCode) == "" {
		errs.Add(fieldStepCode, "That code is not valid, or was already used. Wait for the next code.")
		failed = true
	}
	return errs, failed, err
}

// claimed runs verify inside a throttle claim of scope for the person of
// rq: a locked account gets the lock's message on field and nothing is
// checked.
func (s *stepUp) claimed(ctx context.Context, scope auth.Scope, rq *request, errs form.Errors, field string, verify func() (bool, error)) (bool, error) {
	at, err := s.throttle.Claim(ctx, scope, auth.UserAccount(rq.User().ID), rq.IP)
	var te *auth.ThrottledError
	if errors.As(err, &te) {
		errs.Add(field, "Too many wrong attempts. Try again after "+te.Until.UTC().Format("15:04")+" UTC.")
		return false, nil
	}
	if err != nil {
		return false, err
	}
	ok, err := verify()
	if err != nil {
		// Counted as a failure: the safe side.
		at.Failed()
		return false, err
	}
	if !ok {
		at.Failed()
		return false, nil
	}
	return true, at.Succeeded(ctx)
}
