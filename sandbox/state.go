package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stateVersion changes when the state file's layout changes incompatibly;
// New refuses a file of a newer version rather than misreading it, and
// reseeds over an older one after keeping it aside (see loadOrSeed).
const stateVersion = 2

// state is everything the sandbox knows, and exactly what the state file
// holds. Records that have no hidden fields are stored in their wire form.
type state struct {
	Version      int         `json:"version"`
	NextID       int64       `json:"next_id"`
	NextAssigned int         `json:"next_assigned_product_id"`
	Company      companyInfo `json:"company"`
	Contact      contactInfo `json:"contact"`
	// CreatedAt is the moment the state was seeded (RFC 3339, UTC).
	CreatedAt string         `json:"created_at"`
	Payments  []paymentEntry `json:"payments"`
	// LastPayout is the moment of the latest payment ("YYYY-MM-DD
	// HH:MM:SS"); PendingReserveRelease the reserve (cents) the next one
	// releases.
	LastPayout            string         `json:"last_payout"`
	PendingReserveRelease int64          `json:"pending_reserve_release"`
	Options               []*optionWire  `json:"options"`
	Products              []*productRec  `json:"products"`
	Coupons               []*couponRec   `json:"coupons"`
	Sales                 []*saleRec     `json:"sales"`
	Foreign               foreignRecords `json:"foreign"`
	Fixtures              Fixtures       `json:"fixtures"`
	// INS holds the messages sent and to send; Orders the order
	// generator's progress.
	INS    insState       `json:"ins"`
	Orders orderGenerator `json:"orders"`
}

// foreignRecords are ids that exist but belong to another merchant: the
// API answers FORBIDDEN ("Access denied to ...") for them.
type foreignRecords struct {
	Sales    []string `json:"sales"`
	Products []string `json:"products"`
	Options  []string `json:"options"`
	Coupons  []string `json:"coupons"`
}

// newID hands out the next 10-digit id. Ids step by 3 like the real ones.
func (st *state) newID() string {
	st.NextID += 3
	return fmt.Sprintf("%d", st.NextID)
}

// lineRef locates a line item.
type lineRef struct {
	sale *saleRec
	inv  *invoiceWire
	li   *lineitemWire
}

// invRef locates an invoice.
type invRef struct {
	sale *saleRec
	inv  *invoiceWire
}

// index holds the lookup maps derived from the state; it is rebuilt on load
// and kept up to date by the write handlers.
type index struct {
	sales      map[string]*saleRec
	invoices   map[string]invRef
	lineitems  map[string]lineRef
	products   map[string]*productRec
	options    map[string]*optionWire
	coupons    map[string]*couponRec // by lower-cased code
	categories map[string]categoryWire
	foreign    map[string]map[string]bool // kind -> id
}

func buildIndex(st *state) *index {
	ix := &index{
		sales:      make(map[string]*saleRec, len(st.Sales)),
		invoices:   make(map[string]invRef, len(st.Sales)*2),
		lineitems:  make(map[string]lineRef, len(st.Sales)*4),
		products:   make(map[string]*productRec, len(st.Products)),
		options:    make(map[string]*optionWire, len(st.Options)),
		coupons:    make(map[string]*couponRec, len(st.Coupons)),
		categories: make(map[string]categoryWire),
		foreign:    map[string]map[string]bool{},
	}
	for _, s := range st.Sales {
		ix.sales[s.Sale.SaleID] = s
		for _, inv := range s.Sale.Invoices {
			ix.invoices[inv.InvoiceID] = invRef{s, inv}
			for _, li := range inv.Lineitems {
				ix.lineitems[li.LineitemID] = lineRef{s, inv, li}
			}
		}
	}
	for _, p := range st.Products {
		p.refresh()
		ix.products[p.ProductID] = p
	}
	for _, o := range st.Options {
		ix.options[o.OptionID] = o
	}
	for _, c := range st.Coupons {
		ix.coupons[strings.ToLower(c.Code)] = c
	}
	for _, c := range categoryTable() {
		ix.categories[c.CategoryID] = c
	}
	add := func(kind string, ids []string) {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		ix.foreign[kind] = m
	}
	add("sale", st.Foreign.Sales)
	add("product", st.Foreign.Products)
	add("option", st.Foreign.Options)
	add("coupon", strings.Fields(strings.ToLower(strings.Join(st.Foreign.Coupons, " "))))
	return ix
}

func encodeState(st *state) ([]byte, error) {
	return json.Marshal(st)
}

// errOldState marks a state file of an older layout.
var errOldState = errors.New("sandbox: state file of an older version")

func decodeState(data []byte) (*state, error) {
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, err
	}
	switch {
	case st.Version < stateVersion:
		return nil, fmt.Errorf("%w (%d, want %d)", errOldState, st.Version, stateVersion)
	case st.Version != stateVersion:
		return nil, fmt.Errorf("state version %d, want %d (delete the file or Reset)", st.Version, stateVersion)
	}
	return &st, nil
}

// loadOrSeed loads the state file, or seeds and writes it when it does not
// exist yet.
func (s *Sandbox) loadOrSeed() error {
	if s.cfg.StatePath != "" {
		data, err := os.ReadFile(s.cfg.StatePath)
		switch {
		case err == nil:
			st, err := decodeState(data)
			if errors.Is(err, errOldState) {
				// The practice data of an older sandbox cannot be read
				// into this layout; keep it aside and start afresh rather
				// than refuse to start.
				old := s.cfg.StatePath + ".old"
				if rerr := os.Rename(s.cfg.StatePath, old); rerr != nil {
					return fmt.Errorf("sandbox: state %s: %w", s.cfg.StatePath, rerr)
				}
				s.log.Warn("sandbox: state file of an older version kept aside; reseeded", "old", old)
				break
			}
			if err != nil {
				return fmt.Errorf("sandbox: state %s: %w", s.cfg.StatePath, err)
			}
			s.st, s.idx, s.lastSaved = st, buildIndex(st), data
			return nil
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("sandbox: state: %w", err)
		}
	}
	st := seedState(s.cfg.LargeCatalog, s.now())
	s.st, s.idx = st, buildIndex(st)
	if s.cfg.StatePath == "" {
		return nil
	}
	data, err := encodeState(st)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.cfg.StatePath, data); err != nil {
		return fmt.Errorf("sandbox: state: %w", err)
	}
	s.lastSaved = data
	return nil
}

// persistLocked writes the state after a successful write call. When the
// file cannot be written the change is undone in memory too, so what the
// client is told (an error) matches what a restart would show.
func (s *Sandbox) persistLocked() *apiError {
	if s.cfg.StatePath == "" {
		return nil
	}
	data, err := encodeState(s.st)
	if err == nil {
		err = writeFileAtomic(s.cfg.StatePath, data)
	}
	if err == nil {
		s.lastSaved = data
		return nil
	}
	s.log.Error("sandbox: saving state failed; change rolled back", "path", s.cfg.StatePath, "err", err)
	if st, derr := decodeState(s.lastSaved); derr == nil {
		s.st, s.idx = st, buildIndex(st)
	}
	return newErr("INTERNAL_ERROR", msgStateSaveFailure, "")
}

// writeFileAtomic writes to a temporary file in the same directory and
// renames it over the target, so a crash never leaves half a state file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if tmp != "" {
			_ = os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	tmp = ""
	return nil
}
