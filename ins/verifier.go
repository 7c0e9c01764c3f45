package ins

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"backoffice/apiclient"
)

// CompanyInfoAPI is what the Verifier needs of the Admin API: the account's
// secret word, from acct/detail_company_info.
type CompanyInfoAPI interface {
	CompanyInfo(ctx context.Context) (*apiclient.CompanyInfo, error)
}

// DefaultMinRefetch is the least time between two fetches of the secret
// word that a mismatch or a failed fetch causes.
const DefaultMinRefetch = 30 * time.Second

// fetchTimeout bounds one fetch, which outlives the request that caused it
// so that the waiting requests are not failed by one client hanging up.
const fetchTimeout = 15 * time.Second

// VerifierOptions tune a Verifier; the zero value is ready to use.
type VerifierOptions struct {
	// MinRefetch: at most one fetch per this long after a mismatch or a
	// failure, so that a flood of forged hashes cannot hammer the API.
	// Default DefaultMinRefetch.
	MinRefetch time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Verifier checks md5_hash against the account's secret word. It fetches
// the word once and keeps it; on a mismatch it fetches it again, in case
// the merchant changed it, before refusing, at most once per MinRefetch. It
// is safe for concurrent use, and concurrent requests share one fetch.
type Verifier struct {
	api        CompanyInfoAPI
	minRefetch time.Duration
	now        func() time.Time

	mu        sync.Mutex
	secret    string
	gen       uint64        // counts successful fetches
	lastFetch time.Time     // the last attempt, successful or not
	lastErr   error         // of the last failed attempt
	inflight  chan struct{} // closed when the running fetch ends
}

// NewVerifier returns a Verifier reading the secret word through api.
func NewVerifier(api CompanyInfoAPI, opts VerifierOptions) *Verifier {
	v := &Verifier{api: api, minRefetch: opts.MinRefetch, now: opts.Now}
	if v.minRefetch <= 0 {
		v.minRefetch = DefaultMinRefetch
	}
	if v.now == nil {
		v.now = time.Now
	}
	return v
}

// errRateLimited: a fetch is due but happened too recently.
var errRateLimited = errors.New("ins: secret word fetched too recently")

// Warm fetches the secret word ahead of the first message, so that one is
// answered in milliseconds too. A failure is not fatal: Verify tries again.
func (v *Verifier) Warm(ctx context.Context) error {
	_, _, err := v.load(ctx, 0)
	return err
}

// Verify returns nil when m is signed with the account's secret word, a
// *RefusedError (ReasonHashMissing, ReasonHashWrong) when it is not, and an
// error wrapping ErrUnavailable when the word cannot be read to decide.
func (v *Verifier) Verify(ctx context.Context, m *Message) error {
	if m.Params["md5_hash"] == "" {
		return refuse(ReasonHashMissing, "md5_hash missing")
	}
	v.mu.Lock()
	secret, gen := v.secret, v.gen
	v.mu.Unlock()
	if secret == "" {
		var err error
		if secret, gen, err = v.load(ctx, 0); err != nil {
			return err
		}
	}
	if CheckHash(m, secret) {
		return nil
	}
	// The merchant may have changed the word since it was fetched.
	fresh, _, err := v.load(ctx, gen)
	switch {
	case errors.Is(err, errRateLimited):
		return refuse(ReasonHashWrong, "md5_hash does not match")
	case err != nil:
		return err
	case fresh != secret && CheckHash(m, fresh):
		return nil
	}
	return refuse(ReasonHashWrong, "md5_hash does not match")
}

// load returns a secret word fetched after generation `after`: the one
// another request fetched meanwhile, or a new fetch unless one was tried
// within MinRefetch (errRateLimited, with the word still held, or
// ErrUnavailable when none is).
func (v *Verifier) load(ctx context.Context, after uint64) (string, uint64, error) {
	for {
		v.mu.Lock()
		if v.gen > after {
			s, g := v.secret, v.gen
			v.mu.Unlock()
			return s, g, nil
		}
		if wait := v.inflight; wait != nil {
			v.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return "", 0, fmt.Errorf("%w: %w", ErrUnavailable, ctx.Err())
			}
		}
		if !v.lastFetch.IsZero() && v.now().Sub(v.lastFetch) < v.minRefetch {
			s, g, last := v.secret, v.gen, v.lastErr
			v.mu.Unlock()
			if s == "" && last != nil {
				return "", 0, fmt.Errorf("%w: %w", ErrUnavailable, last)
			}
			if s == "" {
				return "", 0, ErrUnavailable
			}
			return s, g, errRateLimited
		}
		done := make(chan struct{})
		v.inflight, v.lastFetch = done, v.now()
		v.mu.Unlock()

		secret, err := v.fetch(ctx)

		v.mu.Lock()
		v.inflight = nil
		close(done)
		if err != nil {
			v.lastErr = err
			v.mu.Unlock()
			return "", 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		v.secret, v.lastErr = secret, nil
		v.gen++
		g := v.gen
		v.mu.Unlock()
		return secret, g, nil
	}
}

func (v *Verifier) fetch(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	info, err := v.api.CompanyInfo(ctx)
	if err != nil {
		return "", fmt.Errorf("detail_company_info: %w", err)
	}
	if info == nil || !info.SecretWord.IsSet() {
		// Anyone can compute a hash with an empty word: refuse to check.
		return "", errors.New("the account has no secret word (2Checkout: Account, Site Management)")
	}
	return info.SecretWord.Reveal(), nil
}
