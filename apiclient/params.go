package apiclient

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"sync"
)

// Bool returns a pointer to v, for the tri-state fields of params structs
// where "not sent" must differ from "0".
func Bool(v bool) *bool { return &v }

// String returns a pointer to s, for update params where "not sent" must
// differ from "clear it".
func String(s string) *string { return &s }

// validator is implemented by params that can be checked before sending.
type validator interface{ validate() error }

// paramField is one encodable field of a params struct.
type paramField struct {
	index []int
	key   string
	kind  paramKind
}

type paramKind int

const (
	kindString      paramKind = iota // sent when non-empty
	kindStringPtr                    // sent when non-nil, even ""
	kindBool                         // sent as 1 when true
	kindBoolPtr                      // sent as 1/0 when non-nil
	kindInt                          // sent when non-zero
	kindIntPtr                       // sent when non-nil
	kindStringSlice                  // one key=value per element
)

var paramCache sync.Map // reflect.Type -> []paramField

// EncodeParams turns a params struct into the form values the client sends
// for it, after the struct's own checks. Every call goes through here, so the
// rules for what is sent live in one place: a field tagged `url:"key"` is
// sent under that key; zero values of plain fields are not sent; pointer
// fields are sent whenever non-nil; slices repeat the key. Callers that
// record what a call sends (an audit log, an idempotency fingerprint) use it
// so their copy cannot drift from the request.
func EncodeParams(p any) (url.Values, error) {
	if p == nil {
		return nil, nil
	}
	if v, ok := p.(validator); ok {
		if err := v.validate(); err != nil {
			return nil, err
		}
	}
	rv := reflect.ValueOf(p)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	fields, err := fieldsOf(rv.Type())
	if err != nil {
		return nil, err
	}
	form := make(url.Values, len(fields))
	for _, f := range fields {
		fv := rv.FieldByIndex(f.index)
		switch f.kind {
		case kindString:
			if s := fv.String(); s != "" {
				form.Add(f.key, s)
			}
		case kindStringPtr:
			if !fv.IsNil() {
				form.Add(f.key, fv.Elem().String())
			}
		case kindBool:
			if fv.Bool() {
				form.Add(f.key, "1")
			}
		case kindBoolPtr:
			if !fv.IsNil() {
				form.Add(f.key, boolText(fv.Elem().Bool()))
			}
		case kindInt:
			if n := fv.Int(); n != 0 {
				form.Add(f.key, strconv.FormatInt(n, 10))
			}
		case kindIntPtr:
			if !fv.IsNil() {
				form.Add(f.key, strconv.FormatInt(fv.Elem().Int(), 10))
			}
		case kindStringSlice:
			for i := 0; i < fv.Len(); i++ {
				form.Add(f.key, fv.Index(i).String())
			}
		}
	}
	return form, nil
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func fieldsOf(t reflect.Type) ([]paramField, error) {
	if cached, ok := paramCache.Load(t); ok {
		return cached.([]paramField), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("params must be a struct, got %s", t)
	}
	var fields []paramField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key := sf.Tag.Get("url")
		if key == "" || key == "-" || !sf.IsExported() {
			continue
		}
		kind, ok := kindOf(sf.Type)
		if !ok {
			// A programming error in this package, caught by the tests that
			// encode every params type.
			return nil, fmt.Errorf("%s.%s: unsupported param type %s", t.Name(), sf.Name, sf.Type)
		}
		fields = append(fields, paramField{index: sf.Index, key: key, kind: kind})
	}
	paramCache.Store(t, fields)
	return fields, nil
}

func kindOf(t reflect.Type) (paramKind, bool) {
	switch t.Kind() {
	case reflect.String:
		return kindString, true
	case reflect.Bool:
		return kindBool, true
	case reflect.Int, reflect.Int64:
		return kindInt, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return kindStringSlice, true
		}
	case reflect.Pointer:
		switch t.Elem().Kind() {
		case reflect.String:
			return kindStringPtr, true
		case reflect.Bool:
			return kindBoolPtr, true
		case reflect.Int, reflect.Int64:
			return kindIntPtr, true
		}
	}
	return 0, false
}
