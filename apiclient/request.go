package apiclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// envelope is the part of a body every method shares: the success keys and
// both error shapes. Each method's response struct embeds it, so a body is
// decoded once whatever it turns out to hold.
type envelope struct {
	ResponseCode    Text           `json:"response_code"`
	ResponseMessage Text           `json:"response_message"`
	Errors          []wireError    `json:"errors"`
	Exception       *wireException `json:"exception"`
	Warnings        []wireError    `json:"warnings"`
}

type wireError struct {
	Code      Text `json:"code"`
	Message   Text `json:"message"`
	Parameter Text `json:"parameter"`
}

// wireException is the older error shape the PHP SDK also checks for.
type wireException struct {
	ErrorMsg  Text `json:"errorMsg"`
	ErrorCode Text `json:"errorCode"`
}

func (e *envelope) env() *envelope { return e }

// result returns the envelope's code and message as a [Result].
func (e *envelope) result() Result {
	return Result{ResponseCode: e.ResponseCode.Value, ResponseMessage: e.ResponseMessage.Value}
}

// enveloper is satisfied by every response struct through the embedded
// envelope.
type enveloper interface{ env() *envelope }

// completer is implemented by read responses whose payload key is required:
// a detail call that answers "OK" without the object must not yield a zero
// value that would be shown as if it were real data.
type completer interface{ missing() string }

// Result is the answer of a write that returns nothing else.
type Result struct {
	ResponseCode    string
	ResponseMessage string
}

// apiError turns an error body (either shape) or a non-OK response_code into
// an [*Error]; nil means the body reports success.
func (e *envelope) apiError(method string, status int) *Error {
	var items []APIError
	for _, w := range e.Errors {
		items = append(items, APIError{Code: w.Code.Value, Message: w.Message.Value, Parameter: w.Parameter.Value})
	}
	if len(items) == 0 && e.Exception != nil && (e.Exception.ErrorCode.Valid || e.Exception.ErrorMsg.Valid) {
		items = append(items, APIError{Code: e.Exception.ErrorCode.Value, Message: e.Exception.ErrorMsg.Value})
	}
	if len(items) == 0 && e.ResponseCode.Valid && e.ResponseCode.Value != "" && e.ResponseCode.Value != "OK" {
		items = append(items, APIError{Code: e.ResponseCode.Value, Message: e.ResponseMessage.Value})
	}
	if len(items) == 0 {
		return nil
	}
	return &Error{
		Method: method, Status: status,
		Code: items[0].Code, Message: items[0].Message, Parameter: items[0].Parameter,
		Errors: items,
	}
}

// attemptResult is what one HTTP exchange produced.
type attemptResult struct {
	err        error
	retry      bool
	retryAfter time.Duration
	status     int
	size       int64
	bodyHash   string
	level      slog.Level
}

// call is the one request function: it encodes params, asks the circuit
// breaker, applies the per-call deadline, sends, retries reads, reads and
// decodes the body into out, and maps every failure to a typed error.
func (c *Client) call(ctx context.Context, m *MethodInfo, params any, out enveloper) error {
	form, err := EncodeParams(params)
	if err != nil {
		return fmt.Errorf("apiclient: %s: %w", m.Path(), err)
	}
	start, st := time.Now(), &callStats{}
	if c.breaker == nil {
		err = c.send(ctx, m, form.Encode(), out, st)
		c.observe(ctx, m, start, st, err)
		return err
	}
	probe, err := c.breaker.allow(m)
	if err != nil {
		c.logRefused(ctx, m, err)
		c.observe(ctx, m, start, st, err)
		return err
	}
	err = c.send(ctx, m, form.Encode(), out, st)
	if tr := c.breaker.done(probe, judge(ctx, err)); tr != nil {
		c.logTransition(ctx, tr)
	}
	c.observe(ctx, m, start, st, err)
	return err
}

// send makes the call under its one deadline, the kind's timeout, which
// bounds everything from the first dial to the last byte of the body and
// every retry in between.
func (c *Client) send(ctx context.Context, m *MethodInfo, encoded string, out enveloper, st *callStats) error {
	timeout, attempts := c.readTimeout, c.maxAttempts
	if m.Write {
		// A write must never be sent twice by us: a lost answer says nothing
		// about whether it was applied.
		timeout, attempts = c.writeTimeout, 1
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var last error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			if last == nil {
				return &notSentError{method: m.Path(), verb: verbOf(m), err: err}
			}
			return fmt.Errorf("apiclient: %s: stopped after %d attempts: %w (last error: %w)", m.Path(), attempt-1, err, last)
		}
		r := c.attempt(ctx, m, encoded, out, attempt, st)
		if r.err == nil {
			return nil
		}
		last = r.err
		if !r.retry || attempt >= attempts {
			return r.err
		}
		wait := c.backoff(attempt, r.retryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			// Sleeping past the deadline only to fail then is worse than
			// reporting the real error now.
			return r.err
		}
		if !sleep(ctx, wait) {
			continue // the loop's context check reports it
		}
	}
}

func verbOf(m *MethodInfo) string {
	if m.Write {
		return http.MethodPost
	}
	return http.MethodGet
}

// attempt performs one HTTP exchange and logs it.
func (c *Client) attempt(ctx context.Context, m *MethodInfo, encoded string, out enveloper, attempt int, st *callStats) attemptResult {
	start := time.Now()
	st.attempts.Add(1)
	r := c.exchange(ctx, m, encoded, out, st)
	c.logAttempt(ctx, m, attempt, start, r)
	return r
}

func (c *Client) exchange(ctx context.Context, m *MethodInfo, encoded string, out enveloper, st *callStats) attemptResult {
	verb := verbOf(m)
	target := c.base + "/" + m.Group + "/" + m.Name
	var body io.Reader
	if m.Write {
		body = strings.NewReader(encoded)
	} else if encoded != "" {
		target += "?" + encoded
	}

	// Whether the request reached the wire decides between "safe to try
	// again" and "outcome unknown".
	var wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if !info.Reused {
				st.newConns.Add(1)
			}
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				wrote.Store(true)
			}
		},
	})
	req, err := http.NewRequestWithContext(ctx, verb, target, body)
	if err != nil {
		return attemptResult{err: &notSentError{method: m.Path(), verb: verb, err: errors.New("cannot build request")}, level: slog.LevelError}
	}
	req.SetBasicAuth(c.username, c.password)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if m.Write {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportFailure(ctx, m, verb, err, wrote.Load())
	}
	defer resp.Body.Close()

	r := attemptResult{status: resp.StatusCode, level: slog.LevelDebug}
	ct := resp.Header.Get("Content-Type")
	buf := getBuffer()
	defer putBuffer(buf)
	r.size, err = c.readBody(resp, buf)
	data := buf.Bytes()

	bad := func(reason, field string, cause error) *ResponseError {
		r.bodyHash = shortHash(data)
		return &ResponseError{
			Method: m.Path(), Status: resp.StatusCode, ContentType: ct, Size: r.size,
			Reason: reason, Field: field, BodySHA256: r.bodyHash, Err: cause,
		}
	}

	switch {
	case errors.Is(err, ErrTooLarge):
		r.err = bad("too large", "", ErrTooLarge)
	case err != nil && ctx.Err() != nil:
		// The deadline or the caller ended the call mid-body.
		r.err = &transportError{method: m.Path(), verb: verb, err: ctx.Err()}
	case err != nil:
		// Connection cut mid-body: a network fault, worth retrying a read.
		r.err = bad("truncated", "", cleanURLError(err))
		r.retry = !m.Write
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.err = bad("redirect", "", nil)
	case resp.StatusCode == http.StatusUnauthorized:
		// Credentials were refused whatever the body looks like; say so
		// rather than "unexpected response".
		e := statusError(c.errorBody(m, resp.StatusCode, ct, data, bad), m, resp.StatusCode)
		if e.Code == "" {
			e.Code, e.Message = CodeUnauthorized, "Authentication failed"
		}
		r.err = e
	case resp.StatusCode >= 400:
		r.err = c.errorBody(m, resp.StatusCode, ct, data, bad)
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			// Rate limiting is a property of the status, not of the body.
			e := statusError(r.err, m, resp.StatusCode)
			r.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
			e.RetryAfter = r.retryAfter
			r.err = e
			r.retry = !m.Write
		case http.StatusServiceUnavailable:
			r.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
			r.retry = !m.Write
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			r.retry = !m.Write
		}
	case resp.StatusCode < 200:
		r.err = bad("unexpected status", "", nil)
	default:
		r.err = c.decodeSuccess(m, resp.StatusCode, ct, data, out, bad)
	}

	if r.err != nil {
		r.level = slog.LevelWarn
	}
	if m.Write && r.err != nil && writeOutcomeUnknown(resp.StatusCode, r.err) {
		r.err = &OutcomeUnknownError{Method: m.Path(), Err: r.err}
	}
	return r
}

// writeOutcomeUnknown decides whether a failed write may still have been
// applied. An answer the API itself produced (an error body, a 401, a
// redirect, a non-JSON 4xx from something in front) means it was not; a
// mangled success, a timeout mid-body or a gateway page on a 5xx means nobody
// can tell.
func writeOutcomeUnknown(status int, err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	var re *ResponseError
	if errors.As(err, &re) {
		return status < 300 || status >= 500
	}
	return false
}

// statusError returns err as an [*Error], or a detail-less one for the
// status when the body was not the API's.
func statusError(err error, m *MethodInfo, status int) *Error {
	if e, ok := asError(err); ok {
		return e
	}
	return &Error{Method: m.Path(), Status: status, Message: http.StatusText(status)}
}

// transportFailure classifies an error from http.Client.Do.
func (c *Client) transportFailure(ctx context.Context, m *MethodInfo, verb string, err error, wrote bool) attemptResult {
	cause := cleanURLError(err)
	r := attemptResult{level: slog.LevelWarn}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	isCert := errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr)
	switch {
	case !wrote:
		r.err = &notSentError{method: m.Path(), verb: verb, err: cause}
	case m.Write:
		r.err = &OutcomeUnknownError{Method: m.Path(), Err: &transportError{method: m.Path(), verb: verb, err: cause}}
	default:
		r.err = &transportError{method: m.Path(), verb: verb, err: cause}
	}
	if isCert {
		// A certificate failure is a security control doing its job, not
		// a flaky network: never retry it and make it stand out in logs.
		r.level = slog.LevelError
		return r
	}
	r.retry = !m.Write && ctx.Err() == nil
	return r
}

// cleanURLError drops the URL from *url.Error: the query string of a read can
// hold customer data, and nothing here should depend on it never holding more.
func cleanURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// errorBody decodes an error status's body into an [*Error], or reports it as
// unexpected when it is not JSON.
func (c *Client) errorBody(m *MethodInfo, status int, ct string, data []byte, bad func(string, string, error) *ResponseError) error {
	var env envelope
	if err := decodeObject(ct, data, &env, bad); err != nil {
		return err
	}
	if e := env.apiError(m.Path(), status); e != nil {
		return e
	}
	return &Error{Method: m.Path(), Status: status, Message: http.StatusText(status)}
}

// decodeSuccess decodes a 2xx body into out and checks it reports success.
func (c *Client) decodeSuccess(m *MethodInfo, status int, ct string, data []byte, out enveloper, bad func(string, string, error) *ResponseError) error {
	// A failed earlier attempt may have filled part of out.
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
	if err := decodeObject(ct, data, out, bad); err != nil {
		return err
	}
	if e := out.env().apiError(m.Path(), status); e != nil {
		return e
	}
	if cm, ok := out.(completer); ok {
		if key := cm.missing(); key != "" {
			return bad("missing data", key, nil)
		}
	}
	return nil
}

// decodeObject checks the content type and that the body is one JSON object,
// then unmarshals it, mapping every failure to a [*ResponseError].
func decodeObject(ct string, data []byte, out any, bad func(string, string, error) *ResponseError) error {
	if !isJSON(ct) {
		return bad("not JSON", "", nil)
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return bad("empty body", "", nil)
	}
	if trimmed[0] != '{' {
		// json.Unmarshal would accept "null" into a struct and return
		// nothing, which must not pass as an empty success.
		if json.Valid(trimmed) {
			return bad("not an object", "", nil)
		}
		return bad("malformed JSON", "", nil)
	}
	err := json.Unmarshal(data, out)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// A streaming decoder tells a body that stops early (EOF inside a
		// value) from one that is wrong where it stands.
		var raw json.RawMessage
		if errors.Is(json.NewDecoder(bytes.NewReader(data)).Decode(&raw), io.ErrUnexpectedEOF) {
			return bad("truncated", "", errors.New("unexpected end of JSON"))
		}
		return bad("malformed JSON", "", fmt.Errorf("syntax error at offset %d", syn.Offset))
	case errors.As(err, &typ):
		// Only the location and the Go type: typ.Value can quote the data.
		return bad("wrong type", jsonPath(typ.Field), fmt.Errorf("cannot decode into %s", typ.Type))
	default:
		return bad("malformed JSON", "", nil)
	}
}

// jsonPath turns encoding/json's field path into wire keys by dropping the
// names of embedded Go structs (capitalised; every API key is lower case).
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	keep := parts[:0]
	for _, p := range parts {
		if p != "" && (p[0] < 'A' || p[0] > 'Z') {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, ".")
}

// isJSON accepts application/json, text/json and any +json type.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}

// readBody reads the whole body, up to the cap, into buf. Reading to the end
// is what lets the transport put the connection back in the pool.
func (c *Client) readBody(resp *http.Response, buf *bytes.Buffer) (int64, error) {
	if resp.ContentLength > c.maxBody {
		return 0, ErrTooLarge
	}
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxBody+1))
	if n > c.maxBody {
		return n, ErrTooLarge
	}
	return n, err
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer {
	b := bufferPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// putBuffer recycles small buffers only, so one huge answer does not pin its
// memory in the pool. Decoded values never alias the buffer: [Text] copies.
func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		bufferPool.Put(b)
	}
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// backoff returns the wait before the next try: the server's Retry-After when
// it gave one, else full jitter over a capped exponential (so many clients
// failing together do not retry in lockstep).
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.retryMax)
	}
	ceiling := c.retryMax
	if attempt-1 < 32 {
		if d := c.retryBase << (attempt - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// parseRetryAfter reads delay-seconds or an HTTP date; anything else is
// ignored.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// sleep waits d or until ctx is done; it reports whether the full wait
// elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// logRefused notes a call the breaker refused, at debug level: the
// transition that opened it was already logged as a warning.
func (c *Client) logRefused(ctx context.Context, m *MethodInfo, err error) {
	if c.logger == nil || !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "apiclient: call refused, circuit open",
		slog.String("method", m.Path()), slog.String("error", err.Error()))
}

// logTransition tells operators that the breaker opened or closed.
func (c *Client) logTransition(ctx context.Context, tr *transition) {
	if c.logger == nil {
		return
	}
	if tr.to == BreakerClosed {
		c.logger.LogAttrs(ctx, slog.LevelInfo, "apiclient: circuit closed: the API answers again")
		return
	}
	attrs := []slog.Attr{slog.Duration("pause", c.breaker.openFor)}
	if tr.failures > 0 {
		attrs = append(attrs, slog.Int("failures_in_a_row", tr.failures))
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "apiclient: circuit opened: calls fail at once until a test read succeeds", attrs...)
}

// logAttempt writes one line per HTTP exchange. It carries what an operator
// needs to correlate and size a problem, never the body, the params or the
// credentials.
func (c *Client) logAttempt(ctx context.Context, m *MethodInfo, attempt int, start time.Time, r attemptResult) {
	if c.logger == nil || !c.logger.Enabled(ctx, r.level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", m.Path()),
		slog.Int("status", r.status),
		slog.Duration("duration", time.Since(start)),
		slog.Int("attempt", attempt),
		slog.Int64("size", r.size),
	}
	if r.bodyHash != "" {
		attrs = append(attrs, slog.String("body_sha256", r.bodyHash))
	}
	if r.err != nil {
		if code := Code(r.err); code != "" {
			attrs = append(attrs, slog.String("code", clean(code, 64)))
		}
		attrs = append(attrs, slog.Bool("retryable", r.retry), slog.String("error", r.err.Error()))
	}
	msg := "apiclient: call"
	if r.err != nil {
		msg = "apiclient: call failed"
	}
	c.logger.LogAttrs(ctx, r.level, msg, attrs...)
}
