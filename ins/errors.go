package ins

import (
	"errors"
	"net/http"
)

// Reason says why a message was refused. The values are stored as the
// refusal counters' names and shown on the settings page.
type Reason string

// Why a message is refused.
const (
	ReasonOversize    Reason = "oversize"     // body over MaxBodySize
	ReasonMalformed   Reason = "malformed"    // broken encoding or missing parameters
	ReasonHashMissing Reason = "hash_missing" // no md5_hash
	ReasonHashWrong   Reason = "hash_wrong"   // md5_hash does not match the secret word
)

// RefusedError is a message refused for Reason; nothing of it is stored.
// Test with errors.As.
type RefusedError struct {
	Reason Reason
	// Detail says what was wrong, in words safe to log: it never quotes
	// a value from the message (a value could be a forged hash or
	// someone's personal data).
	Detail string
}

func refuse(r Reason, detail string) *RefusedError { return &RefusedError{Reason: r, Detail: detail} }

func (e *RefusedError) Error() string {
	if e.Detail == "" {
		return "ins: message refused: " + string(e.Reason)
	}
	return "ins: message refused: " + string(e.Reason) + ": " + e.Detail
}

// Status is the HTTP status the receiver answers: 403 for a missing or
// wrong hash, 400 for a body that cannot be read. The service retries
// either, so a refusal caused by a stale secret word heals once it is
// fetched again.
func (e *RefusedError) Status() int {
	switch e.Reason {
	case ReasonHashMissing, ReasonHashWrong:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// ErrUnavailable (wrapped) means a message could not be checked because the
// secret word could not be read from the Admin API. Nothing is stored and
// nothing is counted as refused: the receiver should answer 503 so that the
// service delivers the message again later.
var ErrUnavailable = errors.New("ins: secret word unavailable")
