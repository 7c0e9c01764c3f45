package apiclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestAllPagesBoundAndOrder(t *testing.T) {
	const pages, perPage, limit = 23, 3, 4
	var inFlight, maxInFlight atomic.Int32
	var mu sync.Mutex
	fetched := map[int]int{}
	fetch := func(ctx context.Context, page int) ([]int, PageInfo, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		mu.Lock()
		fetched[page]++
		mu.Unlock()
		// Later pages answer faster, so arrival order differs from page
		// order.
		time.Sleep(time.Duration(pages-page) * time.Millisecond / 2)
		items := make([]int, perPage)
		for i := range items {
			items[i] = (page-1)*perPage + i
		}
		info := PageInfo{CurPage: Int{int64(page), true}, LastPage: Int{pages, true}}
		return items, info, nil
	}
	got, err := AllPages(context.Background(), limit, fetch)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "items", len(got), pages*perPage)
	for i, v := range got {
		if v != i {
			t.Fatalf("item %d = %d: page order lost", i, v)
		}
	}
	if m := maxInFlight.Load(); m > limit || m < 2 {
		t.Errorf("max in flight = %d, want 2..%d", m, limit)
	}
	for p := 1; p <= pages; p++ {
		eq(t, fmt.Sprintf("page %d fetched", p), fetched[p], 1)
	}
}

func TestAllPagesErrorCancelsRest(t *testing.T) {
	boom := errors.New("boom")
	var started, cancelled atomic.Int32
	fetch := func(ctx context.Context, page int) ([]int, PageInfo, error) {
		if page == 1 {
			return []int{1}, PageInfo{LastPage: Int{50, true}}, nil
		}
		started.Add(1)
		if page == 3 {
			return nil, PageInfo{}, boom
		}
		select {
		case <-ctx.Done():
			cancelled.Add(1)
			return nil, PageInfo{}, ctx.Err()
		case <-time.After(5 * time.Second):
			return []int{page}, PageInfo{}, nil
		}
	}
	start := time.Now()
	got, err := AllPages(context.Background(), 3, fetch)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got != nil {
		t.Errorf("partial result %v", got)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("the other pages were not cancelled")
	}
	if s := started.Load(); s > 6 {
		t.Errorf("%d pages started after the error", s)
	}
	if cancelled.Load() == 0 {
		t.Errorf("no in-flight page saw the cancellation")
	}
}

func TestAllPagesSinglePageAndFallbacks(t *testing.T) {
	calls := 0
	got, err := AllPages(context.Background(), 0, func(ctx context.Context, page int) ([]string, PageInfo, error) {
		calls++
		return []string{"a"}, PageInfo{}, nil // no page_info at all
	})
	if err != nil || len(got) != 1 || calls != 1 {
		t.Errorf("got %v, %v after %d calls", got, err, calls)
	}
	// total_entries/pagesize when last_page is missing.
	eq(t, "pages", PageInfo{TotalEntries: Int{41, true}, PageSize: Int{20, true}}.Pages(), 3)
	_, err = AllPages(context.Background(), 2, func(ctx context.Context, page int) ([]string, PageInfo, error) {
		return nil, PageInfo{LastPage: Int{MaxPages + 1, true}}, nil
	})
	eq(t, "absurd page count", errors.Is(err, ErrUnexpectedResponse), true)
}

// AllProducts against a fake list_products whose page_info mixes strings and
// numbers, as the real one does.
func TestAllProductsOverHTTP(t *testing.T) {
	const total, size = 45, 10
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("cur_page"))
		var items string
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			if items != "" {
				items += ","
			}
			items += fmt.Sprintf(`{"product_id":"%d","price":"%d.00"}`, 1000+i, i)
		}
		body := fmt.Sprintf(`{"response_code":"OK","page_info":{"cur_page":"%d","last_page":5,"pagesize":"%d","total_entries":"%d","next_page":null},"products":[%s]}`,
			page, size, total, items)
		respond(w, 200, "application/json", []byte(body))
	})
	got, err := newTestClient(t, f.URL).AllProducts(context.Background(), ListProductsParams{PageSize: size, Page: 99}, 3)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "products", len(got), total)
	for i, p := range got {
		text(t, "product_id", p.ProductID, strconv.Itoa(1000+i))
	}
	eq(t, "calls", f.hits.Load(), int32(5))
	eq(t, "pagesize kept", f.last().Query.Get("pagesize"), "10")
}

func TestAllSalesAndOptionsStopOnError(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cur_page") == "2" {
			respond(w, 404, "application/json", testdata(t, "error_record_not_found.json"))
			return
		}
		respond(w, 200, "application/json", []byte(`{"page_info":{"last_page":"3"},"sale_summary":[{"sale_id":"1"}],"options":[{"option_id":"1"}]}`))
	})
	c := newTestClient(t, f.URL)
	_, err := c.AllSales(context.Background(), ListSalesParams{}, 2)
	eq(t, "IsNotFound through the walker", IsNotFound(err), true)
	_, err = c.AllOptions(context.Background(), ListOptionsParams{}, 1)
	eq(t, "IsNotFound through the walker", IsNotFound(err), true)
}

// The API answers an empty listing with RECORD_NOT_FOUND (HTTP 400): the
// walkers make that an empty result, while the List methods keep the typed
// error so a page can say "nothing found".
func TestEmptyListingIsNotAnError(t *testing.T) {
	f := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		respond(w, 400, "application/json", testdata(t, "error_record_not_found.json"))
	})
	c := newTestClient(t, f.URL)
	products, err := c.AllProducts(context.Background(), ListProductsParams{Name: "nothing"}, 2)
	if err != nil || products == nil || len(products) != 0 {
		t.Fatalf("AllProducts: %v, %v", products, err)
	}
	options, err := c.AllOptions(context.Background(), ListOptionsParams{}, 2)
	if err != nil || options == nil || len(options) != 0 {
		t.Fatalf("AllOptions: %v, %v", options, err)
	}
	sales, err := c.AllSales(context.Background(), ListSalesParams{CustomerName: "nobody"}, 2)
	if err != nil || sales == nil || len(sales) != 0 {
		t.Fatalf("AllSales: %v, %v", sales, err)
	}
	eq(t, "one call each, no retry", f.hits.Load(), int32(3))
	_, err = c.ListProducts(context.Background(), ListProductsParams{Name: "nothing"})
	eq(t, "ListProducts keeps RECORD_NOT_FOUND", IsNotFound(err), true)
	var ae *Error
	if !errors.As(err, &ae) || ae.Status != 400 {
		t.Fatalf("typed error %v", err)
	}
	// Any other error on page 1 is still an error.
	g := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		respond(w, 403, "application/json", []byte(`{"errors":[{"code":"FORBIDDEN","message":"Access denied to product."}]}`))
	})
	if _, err := newTestClient(t, g.URL).AllProducts(context.Background(), ListProductsParams{}, 2); Code(err) != CodeForbidden {
		t.Fatalf("FORBIDDEN on page 1: %v", err)
	}
}
