package sales

// Reauth is the sale page's notice about a card authorization that is
// about to expire or has expired, with the "Reauthorize" form.
type Reauth struct {
	// Words say where the authorization stands; Kind is "warn" or "error".
	Words, Kind string
	// Action is where "Reauthorize" posts; "" when the person may not.
	Action, Key, CSRF string
	// Error is what 2Checkout refused, in plain words.
	Error string
}
