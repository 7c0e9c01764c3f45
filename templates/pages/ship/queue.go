package ship

// QueueRegionID is the element the pick list's live updates replace.
const QueueRegionID = "pick-list"

// Queue is the pick list page: parcels to pack, oldest first, and those on
// hold apart.
type Queue struct {
	// Path is the page's own address (Refresh).
	Path string
	// ShipURL is /ship: scanning or typing a sale number here opens it there.
	ShipURL string
	// EventsURL is the live updates' address (server-sent events).
	EventsURL string
	List      QueueList
}

// QueueList is the part of the page the live updates replace.
type QueueList struct {
	// Source says in words what fills the list; SourceKind is "ok" or
	// "warn" (nothing has filled it lately).
	Source, SourceKind string
	Ready, OnHold      []QueueEntry
	// More counts the parcels waiting beyond those shown (the oldest are);
	// Truncated: the store holds more still than were read.
	More      int
	Truncated bool
	// Updated is when the list was read, in the team's time zone.
	Updated string
}

// QueueEntry is one parcel.
type QueueEntry struct {
	SaleID, InvoiceID string
	// URL opens the sale on /ship.
	URL         string
	SlipURL     string
	Customer    string
	Destination string
	Items       string
	Age         string
	Placed      string
	// Fraud is the fraud review status in words: pass, wait, fail or unknown.
	Fraud string
}
