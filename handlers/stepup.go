package handlers

import (
	"context"
	"errors"
	"strings"

	"backoffice/auth"
	"backoffice/form"
)

// stepUp throttles the secrets a signed-in person gives again before a
// sensitive action (the password to reveal the secret word or to approve a
// refund, the current password to change it or to make new recovery codes):
// per user, in their own scope, locked like sign-in. A lock refuses further
// attempts until it ends and is audited; it ends nothing else, so whoever is
// guessing on a stolen session is stopped without signing the owner out.
type stepUp struct {
	throttle *auth.Throttle
	audit    *Auditor
	hasher   *auth.Hasher
	users    userStore
}

// Fields of a step-up form (confirm).
const (
	fieldStepPassword = "password"
	fieldStepCode     = "code"
)

// check claims a StepUp slot for the person of rq, then runs verify, which
// checks what they entered and reports whether all of it was right. It
// settles the slot by the answer. When the person is locked it runs nothing
// and returns the message for the password field; otherwise locked is "".
func (s stepUp) check(ctx context.Context, rq *request, verify func() (bool, error)) (ok bool, locked string, err error) {
	return s.claimed(ctx, auth.StepUp, rq, verify)
}

// claimed is check for any scope: the second-factor code of a step-up
// counts with the codes of sign-in, so the two cannot be played off.
func (s stepUp) claimed(ctx context.Context, scope auth.Scope, rq *request, verify func() (bool, error)) (ok bool, locked string, err error) {
	u := rq.User()
	a, err := s.throttle.Claim(ctx, scope, auth.UserAccount(u.ID), rq.IP)
	if errors.Is(err, auth.ErrThrottled) {
		what := "wrong passwords"
		if scope == auth.SecondFactor {
			what = "wrong codes"
		}
		return false, "Too many " + what + ". For your safety this is paused until " + lockedUntil(err) + "; try again then.", nil
	}
	if err != nil {
		return false, "", err
	}
	ok, err = verify()
	if err != nil {
		// Left unsettled, the slot keeps counting as a failure: the safe side.
		return false, "", err
	}
	if ok {
		return true, "", a.Succeeded(ctx)
	}
	if l := a.Failed(); l != nil {
		auditLock(ctx, s.audit, rq, l, u.Email)
	}
	return false, "", nil
}

// confirm verifies the password and, for people who have one, the
// second-factor code typed on a step-up form (approving a refund).
// Problems come back keyed by field in plain words, with failed true when a
// secret was checked and was wrong (worth an audit entry); err is for a
// store that could not answer.
func (s stepUp) confirm(ctx context.Context, rq *request, password, code string) (errs form.Errors, failed bool, err error) {
	errs = form.Errors{}
	u := rq.User()
	if password == "" {
		errs.Add(fieldStepPassword, "Type your password to confirm it is you.")
		return errs, false, nil
	}
	ok, locked, err := s.check(ctx, rq, func() (bool, error) {
		good, _, err := s.hasher.Verify(ctx, password, u.PasswordHash)
		return good, err
	})
	switch {
	case err != nil:
		return errs, false, err
	case locked != "":
		errs.Add(fieldStepPassword, locked)
		return errs, false, nil
	case !ok:
		errs.Add(fieldStepPassword, "That is not your password.")
		return errs, true, nil
	}
	if !u.TOTPEnabled {
		return errs, false, nil
	}
	code = strings.TrimSpace(code)
	if code == "" {
		errs.Add(fieldStepCode, "Type the code from your authenticator app (or a recovery code).")
		return errs, false, nil
	}
	ok, locked, err = s.claimed(ctx, auth.SecondFactor, rq, func() (bool, error) {
		good, _, err := verifySecondFactor(ctx, s.users, u, code, rq.Now())
		return good, err
	})
	switch {
	case err != nil:
		return errs, false, err
	case locked != "":
		errs.Add(fieldStepCode, locked)
	case !ok:
		errs.Add(fieldStepCode, "That code is not valid, or was already used. Wait for the next code.")
		failed = true
	}
	return errs, failed, nil
}
