package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"backoffice/templates/components"
)

// resource is what the pages of one kind of Admin API record share: the
// web parts, the write path and the slice of the API they use. Products,
// options, coupons, sales and scan-to-ship each embed one.
type resource[API any] struct {
	*web
	wr  *writer
	api API
}

// confirmed is a write made from a confirmation page (delete a product,
// refund an invoice): the page as shown, the write, and what a success
// says and where it leads.
type confirmed struct {
	Title string // the page title
	Page  components.Confirm
	// Write is sent with the form's key (Key is filled in here).
	Write Write
	// Done is the message after a success; Next the page it leads to.
	Done, Next string
}

// showConfirmation answers the GET of a confirmed write built by build from
// the request: the confirmation page; nothing changes.
func (w *web) showConfirmation(c echo.Context, build func(echo.Context) (confirmed, error)) error {
	x, err := build(c)
	if err != nil {
		return err
	}
	return w.render(c, http.StatusOK, x.Title, components.ConfirmPage(x.Page), nil)
}

// sendConfirmed answers the POST of a confirmed write built by build: it
// sends the write through the write path and answers with the one outcome
// policy: on success the message and a redirect; else the confirmation
// again, with the outcome's message, a new form key and its status.
func (w *web) sendConfirmed(c echo.Context, wr *writer, build func(echo.Context) (confirmed, error)) error {
	if _, err := posted(c); err != nil {
		return err
	}
	x, err := build(c)
	if err != nil {
		return err
	}
	x.Write.Key = formKeyOf(c)
	out, err := wr.Do(c.Request().Context(), requestOf(c), x.Write)
	if err != nil {
		return err
	}
	if out.Succeeded() {
		w.flash(c, "ok", x.Done)
		return redirect(c, x.Next)
	}
	x.Page.Error, x.Page.Key = out.Message(), NewFormKey()
	return w.render(c, out.Status(), x.Title, components.ConfirmPage(x.Page), nil)
}

// deletion is a resource's confirmed delete: read fetches the record the
// path names (its key even when the answer is a 404), build makes the
// confirmed write of it (v nil when the record is gone).
type deletion[T any] struct {
	w     *web
	wr    *writer
	read  func(echo.Context) (*T, string, error)
	build func(c echo.Context, key string, v *T) confirmed
}

// confirm is the GET handler: the confirmation page.
func (d deletion[T]) confirm(c echo.Context) error { return d.w.showConfirmation(c, d.shown) }

// send is the POST handler: the delete through the write path.
func (d deletion[T]) send(c echo.Context) error { return d.w.sendConfirmed(c, d.wr, d.sent) }

// shown is the delete as its confirmation page shows it: a record
// 2Checkout does not know is a 404.
func (d deletion[T]) shown(c echo.Context) (confirmed, error) {
	v, key, err := d.read(c)
	if err != nil {
		return confirmed{}, err
	}
	return d.build(c, key, v), nil
}

// sent is the delete as its form is sent. The record is read as it was,
// for the audit log and the messages; a resend of a delete that went
// through (the back button, a lost answer) finds nothing, which is fine:
// the write path answers it with the first outcome instead of a 404.
func (d deletion[T]) sent(c echo.Context) (confirmed, error) {
	v, key, err := d.read(c)
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusNotFound && key != "" {
		return d.build(c, key, nil), nil
	}
	if err != nil {
		return confirmed{}, err
	}
	return d.build(c, key, v), nil
}
