package handlers

import (
	"context"
	"fmt"
	"sync"
	"time"

	"backoffice/apiclient"
)

// catalogueAPI lists the whole catalogue, page by page.
type catalogueAPI interface {
	AllProducts(ctx context.Context, p apiclient.ListProductsParams, concurrency int) ([]apiclient.Product, error)
}

// productNames knows each product's name by its id, from one read of the
// whole catalogue (list_products, a few pages at once) kept for ttl, so a
// page naming many products costs no call per product.
type productNames struct {
	api catalogueAPI
	now func() time.Time
	ttl time.Duration

	mu    sync.Mutex
	names map[string]string
	at    time.Time
}

// Names returns the names by product id; the map is shared, not to be
// changed.
func (n *productNames) Names(ctx context.Context) (map[string]string, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.names != nil && n.now().Sub(n.at) < n.ttl {
		return n.names, nil
	}
	all, err := n.api.AllProducts(ctx, apiclient.ListProductsParams{PageSize: 100}, 4)
	if err != nil && !apiclient.IsNotFound(err) { // an empty catalogue answers not found
		return nil, fmt.Errorf("product names: %w", err)
	}
	names := make(map[string]string, len(all))
	for i := range all {
		names[all[i].ProductID.Value] = productName(&all[i])
	}
	n.names, n.at = names, n.now()
	return names, nil
}
