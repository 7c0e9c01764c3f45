package apiclient

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// PageInfo is the "page_info" block of list_sales, list_products and
// list_options. The API mixes numeric strings, numbers and null in it (even
// within one object), hence [Int]; previous_page and next_page are null or 0
// where there is none.
type PageInfo struct {
	CurPage      Int  `json:"cur_page"`
	FirstEntry   Int  `json:"first_entry"` // 1-based index of the first row
	FirstPage    Int  `json:"first_page"`
	FirstPageURL Text `json:"first_page_url"`
	LastEntry    Int  `json:"last_entry"`
	LastPage     Int  `json:"last_page"`
	LastPageURL  Text `json:"last_page_url"`
	NextPage     Int  `json:"next_page"`
	PageSize     Int  `json:"pagesize"`
	PreviousPage Int  `json:"previous_page"`
	TotalEntries Int  `json:"total_entries"`
}

// Pages returns how many pages the listing has: last_page when the API gave
// one, else total_entries divided by pagesize, else 1.
func (p PageInfo) Pages() int {
	if p.LastPage.Valid && p.LastPage.Value > 0 {
		return int(p.LastPage.Value)
	}
	if p.TotalEntries.Valid && p.PageSize.Valid && p.PageSize.Value > 0 {
		n := (p.TotalEntries.Value + p.PageSize.Value - 1) / p.PageSize.Value
		return int(max(n, 1))
	}
	return 1
}

// MaxPages bounds how many pages [AllPages] will fetch, so a corrupt
// page_info cannot make it issue millions of calls.
const MaxPages = 10000

// DefaultConcurrency is used by [AllPages] when the caller passes 0 or less.
const DefaultConcurrency = 4

// PageFunc fetches one page (1-based) of a listing.
type PageFunc[T any] func(ctx context.Context, page int) ([]T, PageInfo, error)

// AllPages walks every page of a paginated listing: it fetches page 1, reads
// the page count from its page_info, then fetches the rest with at most
// concurrency calls in flight. Items come back in page order. The first error
// cancels the calls still running and is returned alone.
//
// The API answers an empty listing with RECORD_NOT_FOUND instead of an empty
// page, so RECORD_NOT_FOUND on page 1 is an empty result (a non-nil, empty
// slice), not an error. On a later page it stays an error: the listing
// shrank while it was walked, and a silently shorter list would be wrong.
func AllPages[T any](ctx context.Context, concurrency int, fetch PageFunc[T]) ([]T, error) {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	first, info, err := fetch(ctx, 1)
	if IsNotFound(err) {
		return []T{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("page 1: %w", err)
	}
	last := info.Pages()
	if last <= 1 {
		return first, nil
	}
	if last > MaxPages {
		return nil, fmt.Errorf("%w: page_info reports %d pages (limit %d)", ErrUnexpectedResponse, last, MaxPages)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make([][]T, last)
	pages[0] = first
	var (
		next     atomic.Int64
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	next.Store(2)
	for range min(concurrency, last-1) {
		wg.Go(func() {
			for ctx.Err() == nil {
				page := int(next.Add(1) - 1)
				if page > last {
					return
				}
				items, _, err := fetch(ctx, page)
				if err != nil {
					once.Do(func() {
						firstErr = fmt.Errorf("page %d: %w", page, err)
						cancel()
					})
					return
				}
				pages[page-1] = items
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		// The caller gave up; do not return a silently partial list.
		return nil, err
	}
	total := 0
	for _, p := range pages {
		total += len(p)
	}
	all := make([]T, 0, total)
	for _, p := range pages {
		all = append(all, p...)
	}
	return all, nil
}

// AllProducts fetches every page of list_products for the given filters;
// params.Page is ignored. No product matching is an empty slice and no error
// (see [AllPages]); ListProducts itself keeps answering the API's
// RECORD_NOT_FOUND, for callers that say "nothing found".
func (c *Client) AllProducts(ctx context.Context, params ListProductsParams, concurrency int) ([]Product, error) {
	return AllPages(ctx, concurrency, func(ctx context.Context, page int) ([]Product, PageInfo, error) {
		p := params
		p.Page = page
		list, err := c.ListProducts(ctx, p)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return list.Products, list.PageInfo, nil
	})
}

// AllOptions fetches every page of list_options; params.Page is ignored. No
// option matching is an empty slice and no error, as for [Client.AllProducts].
func (c *Client) AllOptions(ctx context.Context, params ListOptionsParams, concurrency int) ([]Option, error) {
	return AllPages(ctx, concurrency, func(ctx context.Context, page int) ([]Option, PageInfo, error) {
		p := params
		p.Page = page
		list, err := c.ListOptions(ctx, p)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return list.Options, list.PageInfo, nil
	})
}

// AllSales fetches every page of list_sales; params.Page is ignored. No sale
// matching is an empty slice and no error, as for [Client.AllProducts].
func (c *Client) AllSales(ctx context.Context, params ListSalesParams, concurrency int) ([]SaleSummary, error) {
	return AllPages(ctx, concurrency, func(ctx context.Context, page int) ([]SaleSummary, PageInfo, error) {
		p := params
		p.Page = page
		list, err := c.ListSales(ctx, p)
		if err != nil {
			return nil, PageInfo{}, err
		}
		return list.Sales, list.PageInfo, nil
	})
}
