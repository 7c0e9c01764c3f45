// Package apiclient is a typed client for the 2Checkout Admin API (the legacy
// "Back Office" API under https://www.2checkout.com/api/<group>/<method>).
//
// It needs only the standard library, so it can be published on its own.
//
// # Shape
//
// [New] builds a [Client] for a base URL and an API username and password.
// Every API method is one Go method taking a [context.Context] first, and a
// typed params struct where the call has inputs. [Methods] lists all of them.
//
// # Decoding
//
// The wire format is inconsistent: the same key can arrive as a JSON string, a
// number or null, and ids and money must never pass through float64. Scalars
// are therefore decoded into [Text] (the literal text of a string or number,
// plus whether it was null) and, for page numbers, [Int]. Those accept every
// variation seen in recorded responses; a real shape mismatch (an object where
// a list is expected, a top-level null) fails with a [*ResponseError].
//
// # Errors
//
// An answer from the API that reports a failure becomes an [*Error] carrying the
// API's code, message and parameter; helpers such as [IsNotFound] and
// [IsAlreadyShipped] classify it. A body that is not the JSON asked for
// becomes a [*ResponseError] matching [ErrUnexpectedResponse]. A write whose
// request reached the wire but whose answer was lost becomes an
// [*OutcomeUnknownError]: the caller must reconcile with a read before trying
// again, because writes are never retried here. No error text carries a
// response body, the credentials or the query string.
//
// # Reliability
//
// Each call gets its own deadline (reads 10s, writes 20s by default) on top of
// the caller's context. Reads are retried on network errors, 5xx and 429 with
// capped, fully jittered exponential backoff; writes never are. Bodies are read
// to the end (up to a size cap) so keep-alive connections are reused.
package apiclient
