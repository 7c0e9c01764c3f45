package handlers

import (
	"context"
	"errors"

	"backoffice/auth"
)

// stepUp throttles the secrets a signed-in person gives again before a
// sensitive action (the password to reveal the secret word, the current
// password to change it or to make new recovery codes): per user, in their
// own scope, locked like sign-in. A lock refuses further attempts until it
// ends and is audited; it ends nothing else, so whoever is guessing on a
// stolen session is stopped without signing the owner out everywhere.
type stepUp struct {
	throttle *auth.Throttle
	audit    *Auditor
}

// check claims a slot for the person of rq, then runs verify, which checks
// what they entered and reports whether all of it was right. It settles the
// slot by the answer. When the person is locked it runs nothing and returns
// the message for the password field; otherwise locked is "".
func (s stepUp) check(ctx context.Context, rq *request, verify func() (bool, error)) (ok bool, locked string, err error) {
	u := rq.User()
	a, err := s.throttle.Claim(ctx, auth.StepUp, auth.UserAccount(u.ID), rq.IP)
	if errors.Is(err, auth.ErrThrottled) {
		return false, "Too many wrong passwords. For your safety this is paused until " + lockedUntil(err) + "; try again then.", nil
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
