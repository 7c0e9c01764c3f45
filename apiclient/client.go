package apiclient

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults, chosen so that a hung upstream costs a page seconds, not minutes.
const (
	DefaultReadTimeout  = 10 * time.Second
	DefaultWriteTimeout = 20 * time.Second
	DefaultMaxAttempts  = 3
	DefaultRetryBase    = 100 * time.Millisecond
	DefaultRetryMax     = 2 * time.Second
	DefaultMaxBodySize  = 8 << 20
	DefaultUserAgent    = "apiclient-go/1 (2Checkout Admin API)"
)

// Client calls the Admin API. It is safe for concurrent use; share one per
// set of credentials so its connection pool is shared too.
type Client struct {
	base         string // scheme://host/path, no trailing slash
	username     string
	password     string
	http         *http.Client
	readTimeout  time.Duration
	writeTimeout time.Duration
	maxAttempts  int
	retryBase    time.Duration
	retryMax     time.Duration
	maxBody      int64
	logger       *slog.Logger
	userAgent    string
	breaker      *breaker // nil: none
	observer     Observer // nil: none
}

// ClientOption configures a [Client] in [New]. (The name Option belongs to the
// API's product options.)
type ClientOption func(*Client) error

// WithHTTPClient uses hc instead of the default client. Its CheckRedirect is
// replaced on a copy, because following a redirect would resend the Basic
// credentials to wherever the API points; a transport that skips certificate
// verification is refused, and so is a Timeout (or an *http.Transport
// ResponseHeaderTimeout) shorter than the longer of the read and write
// timeouts, which would cut calls the client allows.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("apiclient: WithHTTPClient: nil client")
		}
		if t, ok := hc.Transport.(*http.Transport); ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify {
			return errors.New("apiclient: WithHTTPClient: certificate verification must stay on")
		}
		cp := *hc
		cp.CheckRedirect = noRedirects
		c.http = &cp
		return nil
	}
}

// WithTimeouts sets the total time a read and a write may take, from the
// first dial to the last byte of the answer, retries and their waits
// included. It is the one limit on a call: the default transport has no
// timeout of its own that could end a call sooner. Zero keeps the default.
func WithTimeouts(read, write time.Duration) ClientOption {
	return func(c *Client) error {
		if read < 0 || write < 0 {
			return errors.New("apiclient: WithTimeouts: negative timeout")
		}
		if read > 0 {
			c.readTimeout = read
		}
		if write > 0 {
			c.writeTimeout = write
		}
		return nil
	}
}

// WithRetry sets how reads are retried: at most maxAttempts tries in all (1
// disables retries), waiting a random time up to base*2^n, never more than
// max. Writes are never retried whatever this says.
func WithRetry(maxAttempts int, base, max time.Duration) ClientOption {
	return func(c *Client) error {
		if maxAttempts < 1 || base < 0 || max < base {
			return errors.New("apiclient: WithRetry: need maxAttempts >= 1 and 0 <= base <= max")
		}
		c.maxAttempts, c.retryBase, c.retryMax = maxAttempts, base, max
		return nil
	}
}

// WithMaxBodySize caps how many bytes of a response are read.
func WithMaxBodySize(n int64) ClientOption {
	return func(c *Client) error {
		if n <= 0 {
			return errors.New("apiclient: WithMaxBodySize: size must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithLogger logs one line per attempt (method, status, duration, attempt,
// size, and a hash of a bad body). Without it the client logs nothing.
func WithLogger(l *slog.Logger) ClientOption {
	return func(c *Client) error {
		c.logger = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) ClientOption {
	return func(c *Client) error {
		if strings.ContainsAny(ua, "\r\n") {
			return errors.New("apiclient: WithUserAgent: invalid value")
		}
		c.userAgent = ua
		return nil
	}
}

// New returns a client for baseURL (e.g. "https://www.2checkout.com/api"),
// calling <baseURL>/<group>/<method>. The credentials are sent only as an
// Authorization header; a base URL that carries any is refused, and no error
// of New quotes the URL, since it might.
func New(baseURL, username, password string, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, errors.New("apiclient: base URL does not parse")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("apiclient: base URL must be http or https")
	case u.Host == "":
		return nil, errors.New("apiclient: base URL has no host")
	case u.User != nil:
		return nil, errors.New("apiclient: base URL must not carry credentials; pass them to New")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New("apiclient: base URL must not have a query or fragment")
	}
	if username == "" || password == "" {
		return nil, errors.New("apiclient: username and password are required")
	}
	c := &Client{
		base:         strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"),
		username:     username,
		password:     password,
		readTimeout:  DefaultReadTimeout,
		writeTimeout: DefaultWriteTimeout,
		maxAttempts:  DefaultMaxAttempts,
		retryBase:    DefaultRetryBase,
		retryMax:     DefaultRetryMax,
		maxBody:      DefaultMaxBodySize,
		userAgent:    DefaultUserAgent,
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.http == nil {
		c.http = &http.Client{Transport: NewTransport(), CheckRedirect: noRedirects}
	}
	if err := c.checkHTTPTimeouts(); err != nil {
		return nil, err
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) && c.logger != nil {
		c.logger.Warn("apiclient: API credentials will cross the network unencrypted", "scheme", "http")
	}
	return c, nil
}

// checkHTTPTimeouts refuses an http.Client whose own limits are shorter than
// a call may take: a 10 s header timeout under a 20 s write timeout turned
// every slow write into "outcome unknown" at 10 s (issue 9).
func (c *Client) checkHTTPTimeouts() error {
	longest := max(c.readTimeout, c.writeTimeout)
	if c.http.Timeout > 0 && c.http.Timeout < longest {
		return fmt.Errorf("apiclient: the HTTP client's Timeout (%v) is shorter than a call may take (%v); leave it zero", c.http.Timeout, longest)
	}
	if t, ok := c.http.Transport.(*http.Transport); ok && t.ResponseHeaderTimeout > 0 && t.ResponseHeaderTimeout < longest {
		return fmt.Errorf("apiclient: the transport's ResponseHeaderTimeout (%v) is shorter than a call may take (%v); leave it zero", t.ResponseHeaderTimeout, longest)
	}
	return nil
}

// Timeouts returns the read and write timeouts in force: a write still
// pending after the write timeout (plus the time to record it) can only
// belong to a process that died.
func (c *Client) Timeouts() (read, write time.Duration) { return c.readTimeout, c.writeTimeout }

// NewTransport returns the transport New uses by default: short dial and TLS
// handshake timeouts, an idle pool sized for many concurrent pages (Go's
// default keeps only two idle connections per host, so bursts would keep
// opening new ones), and HTTP/2 when the server offers it. It has no
// response-header timeout: each call's deadline (see [WithTimeouts]) covers
// the wait for the answer, so a write may take its whole write timeout.
// Certificates are always verified.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
}

// CloseIdleConnections closes the idle keep-alive connections, for shutdown.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// String describes the client without its credentials, so printing a struct
// that holds one cannot leak them.
func (c *Client) String() string {
	return fmt.Sprintf("apiclient.Client{%s}", c.base)
}

// noRedirects stops the client at the first response: a redirect from the API
// host is unexpected, and following it would carry the credentials along.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// GoString keeps %#v from printing the credentials.
func (c *Client) GoString() string { return c.String() }
