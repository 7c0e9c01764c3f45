package apiclient

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Error codes the API documents. They are exported so callers compare against
// names rather than retyping strings.
const (
	CodeParameterMissing = "PARAMETER_MISSING"
	CodeParameterInvalid = "PARAMETER_INVALID"
	CodeInvalidParameter = "INVALID_PARAMETER"
	CodeRecordNotFound   = "RECORD_NOT_FOUND"
	CodeForbidden        = "FORBIDDEN"
	CodeUnauthorized     = "UNAUTHORIZED"
	CodeNothingToDo      = "NOTHING_TO_DO"
)

// messageAlreadyShipped is what mark_shipped answers on a repeat call (asserted
// by the vendor's own SDK tests). It is the only API message this package
// compares, and only here, because the code alone (NOTHING_TO_DO) also means
// "Item not shippable.".
const messageAlreadyShipped = "Sale already marked shipped."

var (
	// ErrUnexpectedResponse matches every [*ResponseError]: the API (or
	// something in front of it) answered with something other than the JSON
	// asked for.
	ErrUnexpectedResponse = errors.New("apiclient: unexpected response from the API")

	// ErrTooLarge matches a response whose body exceeded the size cap.
	ErrTooLarge = errors.New("apiclient: response body over the size cap")

	// ErrNotSent matches a failure that happened before the request reached
	// the network (dial refused, DNS failure, TLS failure, cancelled first), so
	// even a write is safe to try again.
	ErrNotSent = errors.New("apiclient: request not sent")

	// ErrInvalidParams matches params rejected locally, before anything was
	// sent (for example unequal option value name and surcharge counts).
	ErrInvalidParams = errors.New("invalid parameters")
)

// APIError is one element of the API's error list.
type APIError struct {
	Code      string
	Message   string
	Parameter string
}

// Error is a failure reported by the API itself: an error body
// ({"errors":[...]} or {"exception":{...}}), a non-success response_code, a
// 401, or an error status whose JSON body carried no details.
//
// Code, Message and Parameter are those of the first error in the body; Errors
// keeps all of them. Use [errors.As] to get at it, or the Is* helpers.
type Error struct {
	// Method is "group/method", e.g. "sales/mark_shipped".
	Method string
	// Status is the HTTP status; the API can also report errors with 200.
	Status    int
	Code      string
	Message   string
	Parameter string
	Errors    []APIError
	// RetryAfter is the server's Retry-After on a 429, zero otherwise.
	RetryAfter time.Duration
}

// Error describes the failure. The API's message is included but flattened to
// one short line, because it is upstream text that ends up in logs.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("apiclient: ")
	b.WriteString(e.Method)
	fmt.Fprintf(&b, ": status %d", e.Status)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(clean(e.Code, 64))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(clean(e.Message, 200))
	}
	if e.Parameter != "" {
		b.WriteString(" (parameter ")
		b.WriteString(clean(e.Parameter, 64))
		b.WriteString(")")
	}
	return b.String()
}

// ResponseError is an answer that is not the JSON asked for: XML or an HTML
// error page, truncated or mistyped JSON, an empty body, a body over the cap,
// or a redirect. It matches [ErrUnexpectedResponse] (and [ErrTooLarge] for the
// cap). It never holds the body; BodySHA256 lets an operator match it to the
// log line of the same call.
type ResponseError struct {
	Method      string
	Status      int
	ContentType string
	// Size is the number of body bytes read (at most the cap plus one).
	Size int64
	// Reason is short and fixed: "not JSON", "truncated", "malformed JSON",
	// "wrong type", "not an object", "missing data", "empty body",
	// "too large", "redirect".
	Reason string
	// Field names the JSON key whose value had the wrong type, or the
	// missing key, when known.
	Field string
	// BodySHA256 is a short hex prefix of the body's SHA-256.
	BodySHA256 string
	// Err is the underlying cause, if any.
	Err error
}

// Error describes the response without quoting it.
func (e *ResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiclient: %s: unexpected response (status %d", e.Method, e.Status)
	if e.ContentType != "" {
		b.WriteString(", ")
		b.WriteString(clean(e.ContentType, 64))
	}
	fmt.Fprintf(&b, ", %d bytes): %s", e.Size, e.Reason)
	if e.Field != "" {
		b.WriteString(" at ")
		b.WriteString(clean(e.Field, 100))
	}
	if e.BodySHA256 != "" {
		b.WriteString(" [sha256 ")
		b.WriteString(e.BodySHA256)
		b.WriteString("]")
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *ResponseError) Unwrap() error { return e.Err }

// Is makes every ResponseError match [ErrUnexpectedResponse].
func (e *ResponseError) Is(target error) bool { return target == ErrUnexpectedResponse }

// OutcomeUnknownError is a write that reached the wire but whose answer was
// lost or unreadable: a timeout waiting for the answer, a connection reset
// mid-response, a gateway error page. The API may or may not have applied it.
// Retrying blindly could ship, refund or comment twice, so reconcile with a
// read first.
type OutcomeUnknownError struct {
	Method string
	Err    error
}

// Error says why the answer was lost and that the outcome is unknown.
func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("%v; outcome unknown: the request was sent but its answer was lost", e.Err)
}

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// notSentError marks a transport failure that happened before the request was
// written; it is unexported because callers only need [IsNotSent].
type notSentError struct {
	method string
	verb   string
	err    error
}

// Error names the call and the cause; the cause carries no URL.
func (e *notSentError) Error() string {
	return fmt.Sprintf("apiclient: %s: %s not sent: %v", e.method, e.verb, e.err)
}

// Unwrap exposes the cause, so context errors still match errors.Is.
func (e *notSentError) Unwrap() error { return e.err }

// Is makes it match [ErrNotSent].
func (e *notSentError) Is(target error) bool { return target == ErrNotSent }

// transportError is a network failure after the request was sent. For a
// write it is wrapped in an [OutcomeUnknownError].
type transportError struct {
	method string
	verb   string
	err    error
}

// Error names the call and the cause; the cause carries no URL.
func (e *transportError) Error() string {
	return fmt.Sprintf("apiclient: %s: %s failed: %v", e.method, e.verb, e.err)
}

// Unwrap exposes the cause, so context errors still match errors.Is.
func (e *transportError) Unwrap() error { return e.err }

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound reports an API RECORD_NOT_FOUND (or a 404 error without details).
func IsNotFound(err error) bool {
	e, ok := asError(err)
	return ok && (e.Code == CodeRecordNotFound || e.Code == "" && e.Status == http.StatusNotFound)
}

// IsUnauthorized reports rejected API credentials. It is never retried: the
// credentials were rotated or revoked and hammering the API will not help.
func IsUnauthorized(err error) bool {
	e, ok := asError(err)
	return ok && (e.Code == CodeUnauthorized || e.Status == http.StatusUnauthorized)
}

// IsForbidden reports an API FORBIDDEN ("Access denied to sale." and the like).
func IsForbidden(err error) bool {
	e, ok := asError(err)
	return ok && (e.Code == CodeForbidden || e.Code == "" && e.Status == http.StatusForbidden)
}

// IsParameterError reports a missing or invalid parameter; [Error.Parameter]
// names it when the API says which.
func IsParameterError(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch e.Code {
	case CodeParameterMissing, CodeParameterInvalid, CodeInvalidParameter:
		return true
	}
	return false
}

// IsRateLimited reports a 429 answer; for reads it is only returned once the
// retries are spent.
func IsRateLimited(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusTooManyRequests
}

// Code returns the API error code of err, or "" when err is not an [*Error].
func Code(err error) string {
	if e, ok := asError(err); ok {
		return e.Code
	}
	return ""
}

// IsAlreadyShipped reports mark_shipped's answer to a repeat call. The sale is
// shipped, so callers should treat it as success rather than failure.
func IsAlreadyShipped(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	for _, item := range e.all() {
		if item.Code == CodeNothingToDo && strings.TrimSpace(item.Message) == messageAlreadyShipped {
			return true
		}
	}
	return false
}

// IsNotShippable reports mark_shipped's NOTHING_TO_DO other than "already
// shipped" (documented as "Item not shippable.": an intangible sale).
func IsNotShippable(err error) bool {
	e, ok := asError(err)
	return ok && e.Code == CodeNothingToDo && !IsAlreadyShipped(err) &&
		(e.Method == "" || e.Method == mMarkShipped.Path())
}

// IsOutcomeUnknown reports a write that may or may not have been applied.
func IsOutcomeUnknown(err error) bool {
	var e *OutcomeUnknownError
	return errors.As(err, &e)
}

// IsNotSent reports a failure before the request reached the network, so
// trying again cannot apply a write twice.
func IsNotSent(err error) bool { return errors.Is(err, ErrNotSent) }

// all returns every error in the body, falling back to the first.
func (e *Error) all() []APIError {
	if len(e.Errors) > 0 {
		return e.Errors
	}
	return []APIError{{Code: e.Code, Message: e.Message, Parameter: e.Parameter}}
}

// clean flattens upstream text to one bounded line so it cannot forge log
// lines or flood them.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}
