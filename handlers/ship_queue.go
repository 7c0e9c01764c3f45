package handlers

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/pickqueue"
	shippage "backoffice/templates/pages/ship"
)

// The pick list's event stream: a connection lasts at most streamFor, so
// that a session ended meanwhile (sign-out, a disabled account) stops the
// updates within that time, since each reconnection passes the session
// check again; keepAliveEvery keeps proxies from closing an idle one.
const (
	streamFor      = 2 * time.Minute
	keepAliveEvery = 25 * time.Second
	// retryMillis is how soon the browser reconnects after a stream ends.
	retryMillis = 1000
)

// queueHandler serves the pick list: GET /ship/queue and its live updates.
type queueHandler struct {
	*web
	queue *pickqueue.Queue
	loc   *time.Location
	live  context.Context // ends at shutdown, and every stream with it
}

// show is GET /ship/queue.
func (h *queueHandler) show(c echo.Context) error {
	v, err := h.queue.View(c.Request().Context())
	if err != nil {
		return err
	}
	q := shippage.Queue{Path: h.paths.ShipQueue(), ShipURL: h.paths.Ship(), List: h.list(v),
		EventsURL: withQuery(h.paths.ShipQueueEvents(), url.Values{"v": {streamID(v)}})}
	s := h.shell(c, "Pick list")
	s.NoHistory = true // buyers' names
	s.Scripts = []string{h.assets.Path(sseScript)}
	return h.renderShell(c, http.StatusOK, s, shippage.QueuePage(q), nil)
}

// sseScript is htmx's server-sent events extension, vendored and pinned
// beside htmx (static/htmx-ext-sse-LICENSE.txt).
const sseScript = "htmx-ext-sse-2.2.4.min.js"

// streamID names what a page shows: the list's version and the minute its
// ages were computed in, so the ages move on too.
func streamID(v pickqueue.View) string {
	return v.Version + "-" + strconv.FormatInt(v.At.Unix()/60, 36)
}

// events is GET /ship/queue/events. A browser asking for an event stream
// gets one: the list again whenever it changes on any instance (and each
// minute, for the ages), starting at once when the list is no longer what
// its page shows. Any other client gets the list once, as a conditional
// GET, which also serves as a poll.
func (h *queueHandler) events(c echo.Context) error {
	r := c.Request()
	if !wantsEventStream(r) {
		return h.poll(c)
	}
	ctx, cancel := context.WithTimeout(r.Context(), streamFor)
	defer cancel()
	stop := context.AfterFunc(h.live, cancel)
	defer stop()
	changes := h.queue.Changes(ctx)

	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	w.Header().Set(echo.HeaderCacheControl, "no-store")
	w.Header().Set("X-Accel-Buffering", "no") // nginx: do not hold the stream back
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	write := func(b []byte) error {
		// The server's write timeout is for pages, not for a stream.
		_ = rc.SetWriteDeadline(time.Now().Add(keepAliveEvery + 10*time.Second))
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := write([]byte("retry: " + strconv.Itoa(retryMillis) + "\n\n")); err != nil {
		return nil
	}
	have := r.Header.Get("Last-Event-ID")
	if have == "" {
		have = c.QueryParam("v")
	}
	minute := time.NewTicker(time.Minute)
	defer minute.Stop()
	alive := time.NewTicker(keepAliveEvery)
	defer alive.Stop()
	for {
		v, err := h.queue.View(ctx)
		if err != nil {
			if ctx.Err() == nil {
				h.log.Warn("pick list stream", "request_id", RequestIDOf(c), "error", err)
			}
			return nil
		}
		if id := streamID(v); id != have {
			ev, err := h.event(c, id, v)
			if err != nil {
				return err
			}
			if write(ev) != nil {
				return nil
			}
			have = id
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return nil
			case _, ok := <-changes:
				if !ok {
					return nil
				}
				waiting = false
			case <-minute.C:
				waiting = false
			case <-alive.C:
				if write([]byte(": still here\n\n")) != nil {
					return nil
				}
			}
		}
	}
}

// event is one "queue" event carrying the list's HTML, one data line per
// line of it.
func (h *queueHandler) event(c echo.Context, id string, v pickqueue.View) ([]byte, error) {
	var body bytes.Buffer
	if err := shippage.QueueBody(h.list(v)).Render(c.Request().Context(), &body); err != nil {
		return nil, fmt.Errorf("render pick list: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("event: queue\nid: " + id + "\n")
	for _, line := range strings.Split(strings.TrimRight(body.String(), "\n"), "\n") {
		b.WriteString("data: " + strings.TrimRight(line, "\r") + "\n")
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

// poll answers the list once; a client that sends back the ETag gets 304
// while the list has not changed.
func (h *queueHandler) poll(c echo.Context) error {
	v, err := h.queue.View(c.Request().Context())
	if err != nil {
		return err
	}
	etag := `"` + streamID(v) + `"`
	c.Response().Header().Set("ETag", etag)
	if c.Request().Header.Get("If-None-Match") == etag {
		return c.NoContent(http.StatusNotModified)
	}
	return h.renderFragment(c, http.StatusOK, shippage.QueueBody(h.list(v)))
}

// wantsEventStream reports whether the client asks for server-sent events.
func wantsEventStream(r *http.Request) bool {
	return strings.Contains(r.Header.Get(echo.HeaderAccept), "text/event-stream")
}

// queueShown is how many parcels ready to pack the page lists, oldest
// first: the packer needs the next few, and the page stays within the
// 30 KB first load on a phone (about 70 bytes gzipped per entry).
const queueShown = 40

// list is the pick list as the page shows it.
func (h *queueHandler) list(v pickqueue.View) shippage.QueueList {
	l := shippage.QueueList{Truncated: v.Truncated, Updated: v.At.In(h.loc).Format("15:04:05 MST")}
	l.Source, l.SourceKind = sourceText(v.Source, h.loc)
	for i, e := range v.Ready {
		if i == queueShown {
			l.More = len(v.Ready) - queueShown
			break
		}
		l.Ready = append(l.Ready, h.entry(e))
	}
	for _, e := range v.OnHold {
		l.OnHold = append(l.OnHold, h.entry(e))
	}
	return l
}

func (h *queueHandler) entry(e pickqueue.Entry) shippage.QueueEntry {
	items := strings.Join(e.Items, ", ")
	if items == "" {
		items = "Items not known yet: open the sale to see them."
	}
	return shippage.QueueEntry{SaleID: e.SaleID, InvoiceID: e.InvoiceID,
		URL:      withQuery(h.paths.Ship(), url.Values{"sale": {e.SaleID}}),
		SlipURL:  h.paths.SaleSlip(e.SaleID),
		Customer: inert(orDash(e.Customer)), Destination: inert(e.Destination), Items: inert(items),
		Age: roughly(e.Age), Placed: e.Placed.In(h.loc).Format("2006-01-02 15:04 MST"), Fraud: e.Fraud.String()}
}

// sourceText says which source fills the list, for the page and the
// settings page.
func sourceText(s pickqueue.Source, loc *time.Location) (text, kind string) {
	at := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") }
	switch s.Mode {
	case pickqueue.ModeINS:
		return "Filled by 2Checkout's notifications (INS): the last arrived at " + at(s.LastINS) + ".", "ok"
	case pickqueue.ModeReconciler:
		text = "No notifications from 2Checkout lately, so the panel reads recent sales itself about every minute: " +
			"a parcel can take a few minutes to appear or leave. Last read at " + at(s.LastOK) + "."
		if s.LastError != "" {
			text += " The last attempt failed; it is retried."
		}
		return text, "ok"
	}
	text = "Nothing has filled this list lately: no notifications from 2Checkout, and the panel could not read recent sales."
	if !s.LastRun.IsZero() {
		text += " Last attempt at " + at(s.LastRun) + "."
	}
	return text, "warn"
}
