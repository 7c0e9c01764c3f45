package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"strconv"
)

// jsonToXOXO renders a JSON document as the API's "HTML XOXO microformat"
// (admin-api.md 1.1; microformats.org/wiki/xoxo): the answer is one outline,
// <ul class="xoxo">, whose single item is the response object. An object is
// a <dl> with one <dt> (the key) and <dd> (the value) per key, in the JSON's
// order; an array is a <ul> with one <li> per element (an empty array is an
// empty <ul>); a string, number or boolean is escaped text; null is an empty
// <dd> or <li>, as the format has no null. Like the XML, it is derived from
// the JSON bytes, so the three formats carry the same keys and values.
//
// The page is valid HTML5 and also well-formed XML (void elements are
// self-closed, every character that could open markup is escaped), so a
// client can read it with either kind of parser.
func jsonToXOXO(js []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	var b bytes.Buffer
	b.Grow(len(js) * 2)
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"/><title>2Checkout Admin API response</title></head>\n<body>\n<ul class=\"xoxo\">\n<li>")
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("sandbox: response is not a JSON object")
	}
	if err := xoxoObject(dec, &b); err != nil {
		return nil, err
	}
	b.WriteString("</li>\n</ul>\n</body></html>\n")
	return b.Bytes(), nil
}

// xoxoObject writes the rest of an object whose '{' was read.
func xoxoObject(dec *json.Decoder, b *bytes.Buffer) error {
	b.WriteString("<dl>")
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		b.WriteString("<dt>")
		b.WriteString(html.EscapeString(key))
		b.WriteString("</dt><dd>")
		if err := xoxoValue(dec, b); err != nil {
			return err
		}
		b.WriteString("</dd>")
	}
	b.WriteString("</dl>")
	_, err := dec.Token() // closing '}'
	return err
}

func xoxoValue(dec *json.Decoder, b *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return xoxoObject(dec, b)
		}
		b.WriteString("<ul>")
		for dec.More() {
			b.WriteString("<li>")
			if err := xoxoValue(dec, b); err != nil {
				return err
			}
			b.WriteString("</li>")
		}
		b.WriteString("</ul>")
		_, err := dec.Token() // closing ']'
		return err
	case nil:
	case string:
		b.WriteString(html.EscapeString(t))
	case json.Number:
		b.WriteString(t.String())
	case bool:
		b.WriteString(strconv.FormatBool(t))
	}
	return nil
}
