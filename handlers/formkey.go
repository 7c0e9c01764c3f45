package handlers

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"

	"github.com/labstack/echo/v4"

	"backoffice/auth"
	"backoffice/templates/components"
)

// formKeyField is the form field that carries a write's idempotency key.
const formKeyField = components.FormKeyName

// formKeyOf is the idempotency key the posted form carries: the one way
// every write handler reads it.
func formKeyOf(c echo.Context) string { return c.FormValue(formKeyField) }

// keepFormKey keeps a form's key when the form is shown again without
// having been sent (a validation error, an added row), or gives a new one
// when the posted key is not a valid key.
func keepFormKey(k string) string {
	if validFormKey(k) {
		return k
	}
	return NewFormKey()
}

// NewFormKey makes the idempotency key a rendered form carries.
func NewFormKey() string { return auth.NewToken() }

// partKey is the idempotency key of one of several writes a single form
// makes (stopping each recurring item of a sale): derived from the form's
// key and the part, so the form sent again repeats each write under the
// same key, and no two parts share one.
func partKey(formKey, part string) string {
	sum := sha256.Sum256([]byte(formKey + "\x00" + part))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func validFormKey(k string) bool {
	if len(k) < 32 || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// paramsHash fingerprints what a write sends, so the same key with other
// parameters is refused rather than answered with an unrelated result.
func paramsHash(action string, p url.Values) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha256.New()
	h.Write([]byte(action))
	for _, k := range keys {
		h.Write([]byte{0})
		h.Write([]byte(k))
		for _, v := range p[k] {
			h.Write([]byte{1})
			h.Write([]byte(v))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// formHash fingerprints the form as posted, without the fields that change
// from one showing of the same form to the next (the CSRF token) or that
// identify it (the form key).
func formHash(posted url.Values) string {
	if len(posted) == 0 {
		return ""
	}
	fields := make(url.Values, len(posted))
	for k, v := range posted {
		if k != formKeyField && k != "_csrf" {
			fields[k] = v
		}
	}
	return paramsHash("form", fields)
}

// storedResult is what the idempotency record keeps of an outcome.
type storedResult struct {
	ID        string `json:"id,omitempty"`
	Code      string `json:"code,omitempty"`
	Message   string `json:"message,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Status    int    `json:"status,omitempty"`
	// Kind is "api", "unknown", "paused" (refused by the circuit breaker,
	// not sent) or "transport"; empty on a record recovery marked unknown.
	Kind string `json:"kind,omitempty"`
}
