package apiclient

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// Issue 9, item 5: with the default transport and the default timeouts (10 s
// read, 20 s write), an API that answers after 13 s. The write waits for
// its answer; the read ends once, at its 10 s, without further attempts.
// The figures are the issue's own, so this test takes 13 seconds.
func TestSlowAnswerHonoursEachKindsTimeout(t *testing.T) {
	const answerAfter = 13 * time.Second
	slow := func(body []byte) *fakeAPI {
		return newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(answerAfter):
			case <-r.Context().Done():
				return
			}
			respond(w, 200, "application/json", body)
		})
	}
	t.Run("write", func(t *testing.T) {
		t.Parallel()
		f := slow(testdata(t, "create_comment.json"))
		c, err := New(f.URL, testUser, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		start := time.Now()
		res, err := c.CreateComment(context.Background(), CreateCommentParams{SaleID: "1", SaleComment: "x"})
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("write answered after %v failed after %v: %v", answerAfter, elapsed, err)
		}
		eq(t, "response_code", res.ResponseCode, "OK")
		eq(t, "hits", f.hits.Load(), int32(1))
		if elapsed < answerAfter {
			t.Errorf("write returned after %v, before the answer", elapsed)
		}
	})
	t.Run("read", func(t *testing.T) {
		t.Parallel()
		f := slow(testdata(t, "list_products.json"))
		c, err := New(f.URL, testUser, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseIdleConnections()
		start := time.Now()
		_, err = c.ListProducts(context.Background(), ListProductsParams{})
		elapsed := time.Since(start)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the read's deadline", err)
		}
		eq(t, "IsNotSent", IsNotSent(err), false)
		eq(t, "hits (one attempt: the budget was spent)", f.hits.Load(), int32(1))
		if elapsed < DefaultReadTimeout || elapsed >= answerAfter {
			t.Errorf("read failed after %v, want at its %v timeout", elapsed, DefaultReadTimeout)
		}
	})
}

// A read's retries share its one budget: with attempts that each take 60%
// of it, the second is cut at the deadline and there is no third.
func TestReadRetriesShareOneBudget(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		respond(w, 503, "application/json", []byte(`{"errors":[{"code":"UNAVAILABLE","message":"down"}]}`))
	})
	c := newTestClient(t, f.URL, WithTimeouts(500*time.Millisecond, time.Second), WithRetry(3, time.Millisecond, 5*time.Millisecond))
	start := time.Now()
	_, err := c.ListSales(context.Background(), ListSalesParams{})
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	eq(t, "hits", f.hits.Load(), int32(2))
	if elapsed > 900*time.Millisecond {
		t.Errorf("took %v with a 500ms budget", elapsed)
	}
}

func TestHTTPClientLimitsMayNotCutCalls(t *testing.T) {
	eq(t, "default ResponseHeaderTimeout", NewTransport().ResponseHeaderTimeout, time.Duration(0))
	short := &http.Client{Timeout: 10 * time.Second}
	if _, err := New("https://api.example.com/api", testUser, testPassword, WithHTTPClient(short)); err == nil {
		t.Error("a 10 s client Timeout under a 20 s write timeout was accepted")
	}
	tr := NewTransport()
	tr.ResponseHeaderTimeout = 10 * time.Second
	if _, err := New("https://api.example.com/api", testUser, testPassword, WithHTTPClient(&http.Client{Transport: tr})); err == nil {
		t.Error("a 10 s ResponseHeaderTimeout under a 20 s write timeout was accepted")
	}
	// Limits at least as long as the calls are the caller's business.
	if _, err := New("https://api.example.com/api", testUser, testPassword, WithTimeouts(5*time.Second, 8*time.Second),
		WithHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second})); err != nil {
		t.Errorf("limits longer than the calls refused: %v", err)
	}
	c, err := New("https://api.example.com/api", testUser, testPassword, WithTimeouts(3*time.Second, 25*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	r, w := c.Timeouts()
	eq(t, "read timeout", r, 3*time.Second)
	eq(t, "write timeout", w, 25*time.Second)
}
