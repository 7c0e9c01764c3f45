// Package ins receives 2Checkout's Instant Notification Service: it parses
// a message exactly as the service posts it, checks its md5_hash against the
// account's secret word, and turns it into what it says about the sale, which
// the store keeps (see shared/ins.md). It also answers questions about that
// state: a sale's fraud status, its timeline, the day's counts.
package ins

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxBodySize is the largest message accepted. A real message with a
// hundred items stays far below it.
const MaxBodySize = 64 << 10

// maxItems bounds item_count; 64 KB cannot hold more items than this.
const maxItems = 1000

// Message is one notification as the service sends it: the parameters
// common to every message, typed, and the numbered item sets. Amounts stay
// decimal text ("2.00"), as sent; dates stay "YYYY-MM-DD" (see ParseDate).
type Message struct {
	Type        string // message_type, e.g. ORDER_CREATED
	Description string
	Timestamp   time.Time // U.S. Eastern on the wire
	MD5Hash     string
	ID          int64 // message_id
	KeyCount    int   // key_count as sent; 0 when absent
	VendorID    string
	SaleID      string
	// SaleDatePlaced is the sale's date, "YYYY-MM-DD".
	SaleDatePlaced string
	VendorOrderID  string
	InvoiceID      string
	Recurring      bool // some item of the invoice recurs
	PaymentType    string
	ListCurrency   string
	CustCurrency   string
	AuthExp        string // date the authorization expires
	InvoiceStatus  string // approved, pending, deposited, declined
	FraudStatus    string // pass, fail, wait; may be empty

	InvoiceListAmount string
	InvoiceUSDAmount  string
	InvoiceCustAmount string

	CustomerFirstName string
	CustomerLastName  string
	CustomerName      string
	CustomerEmail     string
	CustomerPhone     string
	CustomerIP        string
	CustomerIPCountry string
	Bill              Address

	ShipStatus         string // empty for intangible goods; not_shipped, shipped, ...
	ShipTrackingNumber string
	ShipName           string
	Ship               Address

	Items []Item

	// Params holds every parameter as received, including any this type
	// does not name.
	Params map[string]string
	// Raw is the body as received.
	Raw string
}

// Address is a billing or shipping address.
type Address struct {
	Street, Street2, City, State, PostalCode string
	Country                                  string // three letters, e.g. USA
}

// Item is one numbered item set (item_*_N).
type Item struct {
	Name             string
	ID               string // the merchant's product id
	ListAmount       string
	USDAmount        string
	CustAmount       string
	Type             string // bill or refund
	Duration         string // e.g. "1 Year", "Forever"
	Recurrence       string // e.g. "1 Month"
	RecListAmount    string
	RecStatus        string // live, canceled, completed, on hold
	RecDateNext      string
	RecInstallBilled string
}

// Parse reads a form-encoded message body. It refuses a body over
// MaxBodySize (ReasonOversize), broken encoding (invalid percent-encoding,
// invalid UTF-8, control characters, a parameter sent twice) and a message
// without the parameters every message carries (ReasonMalformed). It does
// not check the hash: see Verifier.
func Parse(body []byte) (*Message, error) {
	if len(body) > MaxBodySize {
		return nil, refuse(ReasonOversize, fmt.Sprintf("body over %d bytes", MaxBodySize))
	}
	if !utf8.Valid(body) {
		return nil, refuse(ReasonMalformed, "body is not valid UTF-8")
	}
	params, err := parseForm(string(body))
	if err != nil {
		return nil, refuse(ReasonMalformed, err.Error())
	}
	m := &Message{Params: params, Raw: string(body)}
	if err := m.decode(); err != nil {
		return nil, refuse(ReasonMalformed, err.Error())
	}
	return m, nil
}

// parseForm splits a form-encoded body. Unlike url.ParseQuery it refuses a
// parameter sent twice: the hash covers only some parameters, and a
// duplicate would leave open which value the rest of the panel believes.
func parseForm(body string) (map[string]string, error) {
	params := map[string]string{}
	for pair := range strings.SplitSeq(body, "&") {
		if pair == "" {
			continue // "a=1&&b=2", or a trailing "&"
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return nil, fmt.Errorf("invalid percent-encoding in a parameter name")
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return nil, fmt.Errorf("invalid percent-encoding in %s", safeName(key))
		}
		if !validKey(key) {
			return nil, fmt.Errorf("invalid parameter name %s", safeName(key))
		}
		if !validValue(value) {
			return nil, fmt.Errorf("invalid characters in %s", key)
		}
		if _, dup := params[key]; dup {
			return nil, fmt.Errorf("parameter %s sent twice", key)
		}
		params[key] = value
	}
	return params, nil
}

// validKey: the service's parameter names are words of letters and digits
// joined by underscores; anything else is refused rather than stored.
func validKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validValue refuses invalid UTF-8 and control characters other than tab
// and line breaks: a NUL, for one, cannot be stored in PostgreSQL text.
func validValue(v string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// safeName quotes a parameter name for an error message, shortened: it came
// from whoever posted.
func safeName(k string) string {
	if len(k) > 32 {
		k = k[:32]
	}
	return strconv.QuoteToASCII(k)
}

func (m *Message) decode() error {
	p := m.Params
	get := func(k string) string { return strings.TrimSpace(p[k]) }

	m.Type = get("message_type")
	if m.Type == "" {
		return fmt.Errorf("message_type missing")
	}
	if len(m.Type) > 64 || strings.IndexFunc(m.Type, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r == '_') }) >= 0 {
		return fmt.Errorf("message_type is not a message type")
	}
	id, err := strconv.ParseInt(get("message_id"), 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("message_id missing or not a positive number")
	}
	m.ID = id
	if m.Timestamp, err = ParseTimestamp(get("timestamp")); err != nil {
		return err
	}
	m.SaleID = get("sale_id")
	if !isID(m.SaleID) {
		return fmt.Errorf("sale_id missing or not a number")
	}
	m.InvoiceID = get("invoice_id")
	if m.InvoiceID != "" && !isID(m.InvoiceID) {
		return fmt.Errorf("invoice_id is not a number")
	}
	m.VendorID = get("vendor_id")
	if k := get("key_count"); k != "" {
		if m.KeyCount, err = strconv.Atoi(k); err != nil || m.KeyCount < 0 {
			return fmt.Errorf("key_count is not a number")
		}
	}

	m.Description = get("message_description")
	m.MD5Hash = get("md5_hash")
	m.SaleDatePlaced = get("sale_date_placed")
	m.VendorOrderID = get("vendor_order_id")
	m.Recurring = get("recurring") == "1"
	m.PaymentType = get("payment_type")
	m.ListCurrency = get("list_currency")
	m.CustCurrency = get("cust_currency")
	m.AuthExp = get("auth_exp")
	m.InvoiceStatus = strings.ToLower(get("invoice_status"))
	m.FraudStatus = strings.ToLower(get("fraud_status"))
	m.InvoiceListAmount = get("invoice_list_amount")
	m.InvoiceUSDAmount = get("invoice_usd_amount")
	m.InvoiceCustAmount = get("invoice_cust_amount")
	m.CustomerFirstName = get("customer_first_name")
	m.CustomerLastName = get("customer_last_name")
	m.CustomerName = get("customer_name")
	m.CustomerEmail = get("customer_email")
	m.CustomerPhone = get("customer_phone")
	m.CustomerIP = get("customer_ip")
	m.CustomerIPCountry = get("customer_ip_country")
	m.Bill = Address{Street: get("bill_street_address"), Street2: get("bill_street_address2"), City: get("bill_city"),
		State: get("bill_state"), PostalCode: get("bill_postal_code"), Country: get("bill_country")}
	m.ShipStatus = strings.ToLower(get("ship_status"))
	m.ShipTrackingNumber = get("ship_tracking_number")
	m.ShipName = get("ship_name")
	m.Ship = Address{Street: get("ship_street_address"), Street2: get("ship_street_address2"), City: get("ship_city"),
		State: get("ship_state"), PostalCode: get("ship_postal_code"), Country: get("ship_country")}
	return m.decodeItems()
}

// decodeItems reads the numbered sets 1..item_count. Without item_count the
// highest number present counts, so no item is lost.
func (m *Message) decodeItems() error {
	n := 0
	if c := strings.TrimSpace(m.Params["item_count"]); c != "" {
		v, err := strconv.Atoi(c)
		if err != nil || v < 0 || v > maxItems {
			return fmt.Errorf("item_count is not a number from 0 to %d", maxItems)
		}
		n = v
	} else {
		for k := range m.Params {
			if !strings.HasPrefix(k, "item_") {
				continue
			}
			i := strings.LastIndexByte(k, '_')
			if v, err := strconv.Atoi(k[i+1:]); err == nil && v > n && v <= maxItems {
				n = v
			}
		}
	}
	m.Items = make([]Item, 0, n)
	for i := 1; i <= n; i++ {
		get := func(name string) string { return strings.TrimSpace(m.Params[name+"_"+strconv.Itoa(i)]) }
		m.Items = append(m.Items, Item{
			Name: get("item_name"), ID: get("item_id"), ListAmount: get("item_list_amount"),
			USDAmount: get("item_usd_amount"), CustAmount: get("item_cust_amount"), Type: strings.ToLower(get("item_type")),
			Duration: get("item_duration"), Recurrence: get("item_recurrence"), RecListAmount: get("item_rec_list_amount"),
			RecStatus: strings.ToLower(get("item_rec_status")), RecDateNext: get("item_rec_date_next"),
			RecInstallBilled: get("item_rec_install_billed"),
		})
	}
	return nil
}

// isID: the service's sale and invoice ids are numbers; anything else would
// end up in links and lookups.
func isID(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
