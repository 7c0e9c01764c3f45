package handlers

import (
	"fmt"
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/labstack/echo/v4"
)

// compressMinSize is the smallest answer worth compressing: below it the
// gzip header and the CPU cost more than the bytes saved.
const compressMinSize = 1024

// compressLevel was chosen by measuring BenchmarkSignedInPage: level 5 of
// klauspost/compress keeps pages within their weight budgets at about half
// the CPU of compress/flate's level 5.
const compressLevel = 5

// compress gzips answers for clients that accept it, with klauspost's
// gzhttp (pooled writers, a fraction of compress/flate's CPU and memory per
// answer). skip names the requests left alone: pre-compressed static files
// and event streams, which must reach the browser event by event.
//
// Errors are rendered inside the wrapper (c.Error), so error pages are
// compressed like any other.
func compress(skip func(*http.Request) bool) (echo.MiddlewareFunc, error) {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(compressMinSize), gzhttp.CompressionLevel(compressLevel))
	if err != nil {
		return nil, fmt.Errorf("gzip middleware: %w", err)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c.Request()) {
				return next(c)
			}
			res := c.Response()
			orig := res.Writer
			// Restored on the way out, a panic's too: the wrapper's writer
			// is closed and pooled by then, and the panic page goes to orig.
			defer func() { res.Writer = orig }()
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				res.Writer = w
				c.SetRequest(r)
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(orig, c.Request())
			return nil
		}
	}, nil
}
