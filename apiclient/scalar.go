package apiclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

// Text is a scalar as the API sent it: the literal text of a JSON string or
// number, or null.
//
// The API is not consistent about types: ids, money and flags are usually
// strings ("28.85", "1") but the same key is sometimes a number (detail_product
// sends "commission": 0 where list_products sends null; detail_sale sends
// "area_code": 0). Text keeps whatever arrived as text, so a money amount is
// never rounded through float64 and a type change on the wire never breaks
// decoding. A number is kept exactly as written ("0", "1.50"). JSON booleans
// are kept as "true" / "false". Objects and arrays are a real mismatch and fail.
//
// Valid is false only for JSON null (and for a key that was absent). The API
// also sends the four-letter string "null" in places (detail_contact_info);
// that stays Valid with Value "null" so nothing is hidden, and [Text.Blank]
// treats it as empty for display.
type Text struct {
	Value string
	Valid bool
}

// NewText returns a valid Text holding s, for building values in tests and
// fakes.
func NewText(s string) Text { return Text{Value: s, Valid: true} }

// String returns the text, or "" for null, so a Text prints naturally in
// templates and format strings.
func (t Text) String() string { return t.Value }

// Blank reports whether there is nothing worth showing: null, "", or the
// string "null" that the API sometimes sends instead of a JSON null.
func (t Text) Blank() bool {
	return !t.Valid || t.Value == "" || t.Value == "null"
}

// Or returns the text, or def when the value is [Text.Blank].
func (t Text) Or(def string) string {
	if t.Blank() {
		return def
	}
	return t.Value
}

var (
	textType     = reflect.TypeFor[Text]()
	intType      = reflect.TypeFor[Int]()
	textListType = reflect.TypeFor[TextList]()
)

// UnmarshalJSON accepts a string, a number, a boolean or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	// encoding/json has already validated b, so only the first byte needs
	// looking at.
	switch b[0] {
	case 'n':
		*t = Text{}
	case '"':
		// Fast path: without escapes the content is the bytes between the
		// quotes. string() copies, so the caller may reuse its buffer.
		if bytes.IndexByte(b, '\\') < 0 {
			*t = Text{Value: string(b[1 : len(b)-1]), Valid: true}
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text{Value: s, Valid: true}
	case '{':
		return &json.UnmarshalTypeError{Value: "object", Type: textType}
	case '[':
		return &json.UnmarshalTypeError{Value: "array", Type: textType}
	default: // number, true, false
		*t = Text{Value: string(b), Valid: true}
	}
	return nil
}

// MarshalJSON writes a string, or null when not Valid, so a cached value
// decodes back to the same Text.
func (t Text) MarshalJSON() ([]byte, error) {
	if !t.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(t.Value)
}

// Int is an integer that may arrive as a JSON number, a numeric string, or
// null.
//
// page_info mixes all three within one object ("cur_page": "1",
// "first_entry": 1, "next_page": null). Valid is false for null, an absent
// key, "" and "null". A non-numeric string or a fraction is a real mismatch and
// fails decoding.
type Int struct {
	Value int64
	Valid bool
}

// Int returns the value as an int, 0 when null.
func (i Int) Int() int { return int(i.Value) }

// String returns the decimal value, or "" when null.
func (i Int) String() string {
	if !i.Valid {
		return ""
	}
	return strconv.FormatInt(i.Value, 10)
}

// UnmarshalJSON accepts a number, a numeric string, or null.
func (i *Int) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch b[0] {
	case 'n':
		*i = Int{}
		return nil
	case '"':
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" || s == "null" {
			*i = Int{}
			return nil
		}
	case '{':
		return &json.UnmarshalTypeError{Value: "object", Type: intType}
	case '[':
		return &json.UnmarshalTypeError{Value: "array", Type: intType}
	case 't', 'f':
		return &json.UnmarshalTypeError{Value: "bool", Type: intType}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// "3.0" is an integer written loosely; anything else is not one.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int64(f)) {
			return &json.UnmarshalTypeError{Value: "non-integer", Type: intType}
		}
		n = int64(f)
	}
	*i = Int{Value: n, Valid: true}
	return nil
}

// MarshalJSON writes a number, or null when not Valid.
func (i Int) MarshalJSON() ([]byte, error) {
	if !i.Valid {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, i.Value, 10), nil
}

// TextList is a list of scalars that also accepts a single scalar or null.
//
// It is used for keys whose shape no recorded response shows (list_coupons
// documents a product_id field but never an example), so that either shape
// decodes.
type TextList []Text

// UnmarshalJSON accepts an array of scalars, a single scalar, or null.
func (l *TextList) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case 'n':
		*l = nil
		return nil
	case '{':
		return &json.UnmarshalTypeError{Value: "object", Type: textListType}
	case '[':
		var items []Text
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		*l = items
		return nil
	}
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	*l = TextList{t}
	return nil
}

// Strings returns the non-null values.
func (l TextList) Strings() []string {
	out := make([]string, 0, len(l))
	for _, t := range l {
		if t.Valid {
			out = append(out, t.Value)
		}
	}
	return out
}

const redacted = "[redacted]"

// Secret is a sensitive scalar (the account's INS secret word). Anyone who
// learns it can forge payment notifications, so it prints, logs and
// re-marshals as "[redacted]"; [Secret.Reveal] is the one deliberate way to
// read it.
type Secret struct {
	text Text
}

// NewSecret wraps s, for tests and fakes.
func NewSecret(s string) Secret { return Secret{text: NewText(s)} }

// Reveal returns the secret's text ("" when null).
func (s Secret) Reveal() string { return s.text.Value }

// IsSet reports whether the API sent a non-blank value.
func (s Secret) IsSet() bool { return !s.text.Blank() }

// String hides the value.
func (s Secret) String() string { return redacted }

// GoString hides the value from %#v too.
func (s Secret) GoString() string { return redacted }

// Format hides the value from every fmt verb, including when the Secret sits
// inside a struct printed with %+v.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON hides the value: a struct holding a Secret must never carry it
// into a cache, a log or a page by accident.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }

// UnmarshalJSON accepts what [Text] accepts.
func (s *Secret) UnmarshalJSON(b []byte) error { return s.text.UnmarshalJSON(b) }

// percentFromFraction turns a decimal fraction written as text ("0.05") into a
// percent ("5") by moving the decimal point, so no float rounding creeps in.
func percentFromFraction(s string) (string, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return "", false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	intPart, frac = intPart+frac[:2], frac[2:]
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
