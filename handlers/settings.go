package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/ins"
	"backoffice/pickqueue"
	settingspage "backoffice/templates/pages/settings"
)

// settingsHandler serves the settings page: the INS address to give
// 2Checkout, how its messages are doing, and what fills the pick list. It
// needs account.secret: the address can carry the secret path token, a
// secret of the same standing as the secret word it sits beside.
type settingsHandler struct {
	*web
	ledger  *ins.Ledger
	queue   *pickqueue.Queue
	baseURL string // BACKOFFICE_BASE_URL; "" derives it from the request
	token   string
	loc     *time.Location
}

// refusalMeaning says each refusal reason in words.
var refusalMeaning = map[string]string{
	string(ins.ReasonHashWrong):   "md5_hash does not match the account's secret word: a forged message, or the word was changed",
	string(ins.ReasonHashMissing): "no md5_hash: not a message from 2Checkout",
	string(ins.ReasonMalformed):   "the body could not be read as a notification",
	string(ins.ReasonOversize):    "the body was larger than 64 KB",
}

func (h *settingsHandler) show(c echo.Context) error {
	ctx := c.Request().Context()
	stats, err := h.ledger.Stats(ctx)
	if err != nil {
		return err
	}
	q, err := h.queue.View(ctx)
	if err != nil {
		return err
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.In(h.loc).Format("2006-01-02 15:04:05 MST")
	}
	v := settingspage.View{INSURL: h.insURL(c), TokenSet: h.token != "", LastMessage: when(stats.LastReceived),
		Accepted: strconv.FormatInt(stats.Accepted, 10), Duplicates: strconv.FormatInt(stats.Duplicates, 10),
		TimeZone: h.loc.String()}
	for _, r := range stats.Refused {
		v.Refused = append(v.Refused, settingspage.Refusal{Reason: r.Reason, Meaning: refusalMeaning[r.Reason],
			Count: strconv.FormatInt(r.Count, 10), Last: when(r.Last)})
	}
	v.Source, v.SourceKind = sourceText(q.Source, h.loc)
	v.Reconciler = "Without notifications, the panel reads the last 30 days of sales about every minute; while they arrive, every 30 minutes as a safety net. Last read: " +
		when(q.Source.LastOK) + "."
	if q.Source.LastError != "" {
		v.Reconciler += " The last attempt failed at " + when(q.Source.LastRun) + "; it is retried."
	}
	s := h.shell(c, "Settings")
	s.NoHistory = true
	return h.renderShell(c, http.StatusOK, s, settingspage.Page(v), nil)
}

// insURL is the receiver's public address, with the path token when one
// is set.
func (h *settingsHandler) insURL(c echo.Context) string {
	origin := h.baseURL
	if origin == "" {
		origin = c.Scheme() + "://" + c.Request().Host
	}
	if h.token != "" {
		return origin + h.paths.INSToken(h.token)
	}
	return origin + h.paths.INS()
}
