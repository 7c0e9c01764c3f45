package auth

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gorilla/securecookie"
)

// cookieValues serializes the session cookie's values (a few strings and a
// list of strings) as JSON. securecookie's default, gob, compiles a decoder
// for every cookie it reads, which cost about a sixth of a signed-in
// request. Cookies written with gob before are still read, so upgrading
// signs nobody out.
type cookieValues struct{}

func (cookieValues) Serialize(src any) ([]byte, error) {
	m, ok := src.(map[any]any)
	if !ok {
		return nil, fmt.Errorf("auth: session values are %T", src)
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("auth: session key %v is not a string", k)
		}
		switch v.(type) {
		case string, []string:
		default:
			return nil, fmt.Errorf("auth: session value %q is %T", key, v)
		}
		out[key] = v
	}
	return json.Marshal(out)
}

func (cookieValues) Deserialize(src []byte, dst any) error {
	m, ok := dst.(*map[any]any)
	if !ok {
		return fmt.Errorf("auth: session values into %T", dst)
	}
	var in map[string]json.RawMessage
	if len(src) == 0 || src[0] != '{' || json.Unmarshal(src, &in) != nil {
		return securecookie.GobEncoder{}.Deserialize(src, dst) // a cookie from before
	}
	if *m == nil {
		*m = make(map[any]any, len(in))
	}
	for k, raw := range in {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			(*m)[k] = s
			continue
		}
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return errors.New("auth: session value is neither a string nor a list of strings")
		}
		(*m)[k] = list
	}
	return nil
}
