// Package htmx names the htmx request and response headers in one place and
// answers the questions handlers ask about a request: is it htmx, and does it
// want a fragment or a whole page?
package htmx

import "net/http"

// Request headers sent by htmx 2.
const (
	HeaderRequest        = "HX-Request"
	HeaderBoosted        = "HX-Boosted"
	HeaderHistoryRestore = "HX-History-Restore-Request"
	HeaderTarget         = "HX-Target"
	HeaderTrigger        = "HX-Trigger"
	HeaderCurrentURL     = "HX-Current-URL"
)

// Response headers understood by htmx 2.
const (
	HeaderRedirect        = "HX-Redirect"
	HeaderRefresh         = "HX-Refresh"
	HeaderRetarget        = "HX-Retarget"
	HeaderReswap          = "HX-Reswap"
	HeaderPushURL         = "HX-Push-Url"
	HeaderReplace         = "HX-Replace-Url"
	HeaderTriggerResponse = "HX-Trigger"
)

// IsRequest reports whether htmx sent the request.
func IsRequest(r *http.Request) bool { return r.Header.Get(HeaderRequest) == "true" }

// WantsFragment reports whether the response should be a fragment rather than
// a whole page. Boosted navigation and history restores replace the whole
// body, so they get the whole page.
func WantsFragment(r *http.Request) bool {
	return IsRequest(r) && r.Header.Get(HeaderBoosted) != "true" && r.Header.Get(HeaderHistoryRestore) != "true"
}

// Redirect sends the browser to url: with HX-Redirect for htmx requests (a
// plain 302 would be followed inside the XHR and its page swapped into a
// fragment), with 303 See Other otherwise.
func Redirect(w http.ResponseWriter, r *http.Request, url string) {
	if IsRequest(r) {
		w.Header().Set(HeaderRedirect, url)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}
