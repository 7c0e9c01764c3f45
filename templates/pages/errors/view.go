// Package errors draws the one error page and its htmx fragment.
package errors

// View is what an error page shows. Message is already in plain words; the
// request ID lets support find the log line without showing any internals.
type View struct {
	Status    int
	Title     string
	Message   string
	RequestID string
	// RetryURL, when set, offers to load the page again (safe for reads).
	RetryURL string
	// SignInURL, when set, offers the sign-in page instead of a retry.
	SignInURL string
}
