package apiclient_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"backoffice/apiclient"
)

func Example() {
	c, err := apiclient.New("https://www.2checkout.com/api", "api-user", "api-password",
		apiclient.WithTimeouts(5*time.Second, 15*time.Second),
		apiclient.WithLogger(slog.Default()),
	)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()

	sale, err := c.DetailSale(ctx, apiclient.DetailSaleParams{SaleID: "9093735704385"})
	switch {
	case apiclient.IsNotFound(err):
		fmt.Println("no such sale")
	case err != nil:
		fmt.Println("cannot load the sale:", err)
	default:
		fmt.Println(sale.Customer.FirstName, sale.Invoices[0].USDTotal)
	}

	// Writes are never retried by the client. A write tied to a browser
	// request should use a context that outlives a closed tab.
	wctx := context.WithoutCancel(ctx)
	_, err = c.MarkShipped(wctx, apiclient.MarkShippedParams{SaleID: "9093735704385", TrackingNumber: "1Z999"})
	switch {
	case err == nil, apiclient.IsAlreadyShipped(err):
		fmt.Println("shipped")
	case apiclient.IsOutcomeUnknown(err):
		fmt.Println("outcome unknown: check the sale before trying again")
	case apiclient.IsNotSent(err):
		fmt.Println("not sent: safe to try again")
	case errors.Is(err, apiclient.ErrUnexpectedResponse):
		fmt.Println("the payment provider answered strangely")
	default:
		fmt.Println("failed:", apiclient.Code(err))
	}
}

func ExampleAllPages() {
	c, _ := apiclient.New("http://127.0.0.1:8080/sandbox/api", "user", "password")
	// At most four pages in flight; items come back in page order.
	products, err := c.AllProducts(context.Background(), apiclient.ListProductsParams{PageSize: 100}, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(products))
}

func ExampleCouponSummary_PercentOff() {
	var s apiclient.CouponSummary // from ListCoupons: percentage_off "0.05"
	s.PercentageOffFraction = apiclient.NewText("0.05")
	pct, _ := s.PercentOff()
	fmt.Println(pct + " %")
	// Output: 5 %
}
