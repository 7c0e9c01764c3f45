package handlers

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"backoffice/htmx"
	"backoffice/templates/components"
	"backoffice/templates/layout"
)

// render is the one way a handler answers with HTML. It sends the fragment to
// htmx requests that want one and the whole page otherwise, marks the
// response as varying on HX-Request so caches keep the two apart, and renders
// into a buffer first so a template error still becomes a clean 500 page.
// fragment may be nil when the page has no fragment form.
func (w *web) render(c echo.Context, status int, title string, page, fragment templ.Component) error {
	return w.renderShell(c, status, w.shell(c, title), page, fragment)
}

// renderShell is render with a shell the handler adjusted (e.g. NoHistory).
func (w *web) renderShell(c echo.Context, status int, s layout.Shell, page, fragment templ.Component) error {
	r := c.Request()
	c.Response().Header().Add("Vary", htmx.HeaderRequest)
	var comp templ.Component
	if fragment != nil && htmx.WantsFragment(r) {
		comp = fragment
	} else {
		comp = templ.ComponentFunc(func(ctx context.Context, out io.Writer) error {
			return layout.Page(s).Render(templ.WithChildren(ctx, page), out)
		})
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := comp.Render(components.WithFocus(r.Context()), buf); err != nil {
		return fmt.Errorf("render %s: %w", title(s), err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func title(s layout.Shell) string { return s.Title }

// redirect sends the browser on after a successful POST (303, or
// HX-Redirect for htmx requests).
func redirect(c echo.Context, url string) error {
	htmx.Redirect(c.Response(), c.Request(), url)
	return nil
}
