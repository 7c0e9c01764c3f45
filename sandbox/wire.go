package sandbox

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxBody caps request bodies; the real API takes small forms only.
const maxBody = 1 << 20

// apiError is one element of the "errors" array. status is not on the wire
// as a key: it becomes the HTTP status.
type apiError struct {
	status    int
	Code      string `json:"code"`
	Message   string `json:"message"`
	Parameter string `json:"parameter,omitempty"`
}

type errorBody struct {
	Errors []*apiError `json:"errors"`
}

// statusFor maps an error code to an HTTP status. No source documents the
// mapping (admin-api.md 1.3); this is the one the live API was seen to use
// (issue 9: RECORD_NOT_FOUND is 400 like every other business error), kept
// in one place.
func statusFor(code string) int {
	switch {
	case strings.HasPrefix(code, "PARAMETER_"):
		return http.StatusBadRequest
	case code == "UNAUTHORIZED":
		return http.StatusUnauthorized
	case code == "FORBIDDEN":
		return http.StatusForbidden
	case code == "INTERNAL_ERROR":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func newErr(code, msg, param string) *apiError {
	return &apiError{status: statusFor(code), Code: code, Message: msg, Parameter: param}
}

func errMissing(name string) *apiError {
	return newErr("PARAMETER_MISSING", "Required parameter missing: "+name, name)
}

func errInvalid(name string) *apiError {
	return newErr("PARAMETER_INVALID", "Invalid value for parameter: "+name, name)
}

func errNotFound() *apiError { return newErr("RECORD_NOT_FOUND", "Unable to find record.", "") }

func errForbidden(noun string) *apiError {
	return newErr("FORBIDDEN", "Access denied to "+noun+".", "")
}

func errUnauthorized() *apiError { return newErr("UNAUTHORIZED", "Authentication failed", "") }

// The following four are the sandbox's own answers to requests the real API
// documents nothing about (unknown path, wrong HTTP method, unreadable body).
func errUnknownMethod() *apiError {
	e := newErr("NOT_FOUND", "Unknown API method.", "")
	e.status = http.StatusNotFound
	return e
}

func errMethodNotAllowed() *apiError {
	e := newErr("METHOD_NOT_ALLOWED", "Only GET and POST are accepted.", "")
	e.status = http.StatusMethodNotAllowed
	return e
}

func errMalformed() *apiError { return newErr("INVALID_REQUEST", "Malformed request parameters.", "") }

func bodyError(err error) *apiError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		e := newErr("INVALID_REQUEST", "Request body too large.", "")
		e.status = http.StatusRequestEntityTooLarge
		return e
	}
	return errMalformed()
}

// readBody reads the whole body (capped), so the connection stays reusable
// whatever the answer turns out to be.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	return b, err
}

// format is a response format the API offers.
type format int

const (
	formatXML  format = iota // the default
	formatJSON               // Accept contains application/json
	formatHTML               // Accept contains text/html: the XOXO microformat
)

// negotiate picks the answer's format from the Accept header: JSON when it
// is asked for, else the XOXO HTML when text/html is, else XML (the API's
// default). JSON wins when both are named, because every client library
// asks for it and some browsers' tools add text/html to everything.
func negotiate(r *http.Request) format {
	a := strings.ToLower(r.Header.Get("Accept"))
	switch {
	case strings.Contains(a, "application/json"):
		return formatJSON
	case strings.Contains(a, "text/html"):
		return formatHTML
	}
	return formatXML
}

// authorized compares hashes of both credentials in constant time and
// evaluates both before deciding, so timing reveals neither.
func (s *Sandbox) authorized(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	if !ok {
		return false
	}
	uh := sha256.Sum256([]byte(u))
	ph := sha256.Sum256([]byte(p))
	return subtle.ConstantTimeCompare(uh[:], s.userHash[:])&subtle.ConstantTimeCompare(ph[:], s.passHash[:]) == 1
}

// parseParams merges the query string, an urlencoded body and a multipart
// body, in that order; a key in several places counts as repeated.
func parseParams(r *http.Request, body []byte) (url.Values, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		return vals, nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return vals, nil
	}
	mt, mparams, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, err
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		bv, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range bv {
			vals[k] = append(vals[k], v...)
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mparams["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			name := part.FormName()
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, err
			}
			if name != "" {
				vals[name] = append(vals[name], string(data))
			}
		}
	}
	return vals, nil
}

// paramSpec declares one input of a method; multi marks the parameters that
// may be repeated.
type paramSpec struct {
	name  string
	multi bool
}

// params holds the declared parameters of one call after binding.
type params struct {
	vals url.Values
}

// has reports whether the parameter was sent at all, even empty.
func (p params) has(name string) bool { _, ok := p.vals[name]; return ok }

// get returns the (only) value, "" when absent.
func (p params) get(name string) string {
	if v := p.vals[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// given reports a parameter sent with a non-empty value: clients such as
// PHP's send empty fields for unset ones, so "" counts as not given.
func (p params) given(name string) bool { return p.get(name) != "" }

func (p params) all(name string) []string { return p.vals[name] }

// required returns a mandatory value: absent or empty is PARAMETER_MISSING.
func (p params) required(name string) (string, *apiError) {
	v := p.get(name)
	if v == "" {
		return "", errMissing(name)
	}
	return v, nil
}

// bind keeps the declared parameters only (unknown ones, such as the
// vendor_id some clients send, are ignored) and rejects repeated
// single-valued keys and values that are not valid UTF-8 text.
func (m *methodSpec) bind(vals url.Values) (params, *apiError) {
	out := params{vals: make(url.Values, len(m.params))}
	for _, ps := range m.params {
		v, ok := vals[ps.name]
		if !ok {
			continue
		}
		if len(v) > 1 && !ps.multi {
			return params{}, errInvalid(ps.name)
		}
		for _, x := range v {
			if !utf8.ValidString(x) || strings.IndexByte(x, 0) >= 0 {
				return params{}, errInvalid(ps.name)
			}
		}
		out.vals[ps.name] = v
	}
	return out, nil
}

// call is the context of one API request.
type call struct {
	s      *Sandbox
	p      params
	now    time.Time
	ip     string
	method *methodSpec
	// dirty marks a call that changed the state although it fails (a failed
	// reauthorization attempt still counts for the once-a-day rule).
	dirty bool
}

func (c *call) st() *state  { return c.s.st }
func (c *call) idx() *index { return c.s.idx }

// timestamp is the clock formatted like the API's timestamps (UTC).
func (c *call) timestamp() string { return c.now.Format("2006-01-02 15:04:05") }

func (c *call) today() string { return c.now.Format("2006-01-02") }

type handlerFunc func(c *call) (any, *apiError)

// methodSpec describes one API method.
type methodSpec struct {
	group  string
	name   string
	write  bool
	params []paramSpec
	fn     handlerFunc
}

// okMsg is the minimal success envelope.
type okMsg struct {
	ResponseCode    string `json:"response_code"`
	ResponseMessage string `json:"response_message"`
}

func ok(method string) okMsg {
	return okMsg{ResponseCode: "OK", ResponseMessage: successMessage(method)}
}

// encodeResult renders a result in the asked format. XML and HTML are
// derived from the JSON bytes, so the three always carry the same keys and
// values.
func encodeResult(v any, f format) ([]byte, *apiError) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, newErr("INTERNAL_ERROR", "Internal error.", "")
	}
	out, err := convert(b, f)
	if err != nil {
		return nil, newErr("INTERNAL_ERROR", "Internal error.", "")
	}
	return out, nil
}

func convert(js []byte, f format) ([]byte, error) {
	switch f {
	case formatXML:
		return jsonToXML(js)
	case formatHTML:
		return jsonToXOXO(js)
	}
	return js, nil
}

func writeError(w http.ResponseWriter, f format, e *apiError) int {
	b, _ := json.Marshal(errorBody{Errors: []*apiError{e}})
	b, _ = convert(b, f)
	writeBody(w, e.status, b, f)
	return e.status
}

func writeBody(w http.ResponseWriter, status int, b []byte, f format) {
	h := w.Header()
	switch f {
	case formatJSON:
		h.Set("Content-Type", "application/json; charset=utf-8")
	case formatHTML:
		h.Set("Content-Type", "text/html; charset=utf-8")
		// The page shows API data (customer names, comments) and needs
		// nothing: no script, style, frame or form may run from it.
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; form-action 'none'")
	default:
		h.Set("Content-Type", "application/xml; charset=utf-8")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Vary", "Accept")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// jsonToXML turns a JSON document into the API's XML form: one <response>
// root, keys as element names, each array element as a sibling element named
// after the array's key (an empty array leaves no element), null as an empty
// element. Deriving XML from the JSON bytes keeps one source of truth for
// keys and value types.
func jsonToXML(js []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("sandbox: response is not a JSON object")
	}
	var b bytes.Buffer
	b.Grow(len(js) + len(js)/2)
	b.WriteString(xml.Header)
	b.WriteString("<response>")
	if err := xmlObject(dec, &b); err != nil {
		return nil, err
	}
	b.WriteString("</response>\n")
	return b.Bytes(), nil
}

func xmlObject(dec *json.Decoder, b *bytes.Buffer) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if err := xmlValue(dec, b, xmlName(key)); err != nil {
			return err
		}
	}
	_, err := dec.Token() // closing '}'
	return err
}

func xmlValue(dec *json.Decoder, b *bytes.Buffer, name string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			for dec.More() {
				if err := xmlValue(dec, b, name); err != nil {
					return err
				}
			}
			_, err := dec.Token() // closing ']'
			return err
		}
		b.WriteString("<" + name + ">")
		if err := xmlObject(dec, b); err != nil {
			return err
		}
		b.WriteString("</" + name + ">")
	case nil:
		b.WriteString("<" + name + "/>")
	case string:
		b.WriteString("<" + name + ">")
		_ = xml.EscapeText(b, []byte(t))
		b.WriteString("</" + name + ">")
	case json.Number:
		b.WriteString("<" + name + ">" + t.String() + "</" + name + ">")
	case bool:
		b.WriteString("<" + name + ">" + strconv.FormatBool(t) + "</" + name + ">")
	}
	return nil
}

// xmlName makes a JSON key a legal XML name. The only key that needs it is
// "2co_account_level_id" (an XML name cannot start with a digit), which
// becomes "_2co_account_level_id".
func xmlName(key string) string {
	if key == "" {
		return "_"
	}
	ok := true
	for i, r := range key {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if i == 0 && !letter {
			ok = false
			break
		}
		if !letter && !(r >= '0' && r <= '9') && r != '-' && r != '.' {
			ok = false
			break
		}
	}
	if ok {
		return key
	}
	var sb strings.Builder
	sb.WriteByte('_')
	for _, r := range key {
		if r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	return sb.String()
}
