package sandbox

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// productRec is a stored product. Options and categories are kept as ids
// and rendered from their current records, so an option edit shows in
// every product that uses it.
type productRec struct {
	ProductID        string      `json:"product_id"`
	AssignedID       int         `json:"assigned_product_id"`
	VendorID         string      `json:"vendor_id"`
	Name             string      `json:"name"`
	VendorProductID  string      `json:"vendor_product_id"`
	Description      *string     `json:"description"`
	LongDescription  *string     `json:"long_description"`
	Price            string      `json:"price"`
	Tangible         bool        `json:"tangible"`
	Weight           *string     `json:"weight"`
	Handling         *string     `json:"handling"`
	Recurring        bool        `json:"recurring"`
	Recurrence       *string     `json:"recurrence"`
	Duration         *string     `json:"duration"`
	StartupFee       *string     `json:"startup_fee"`
	Commission       bool        `json:"commission"`
	CommissionType   *string     `json:"commission_type"`
	CommissionAmount *string     `json:"commission_amount"`
	PendingURL       *string     `json:"pending_url"`
	ApprovedURL      *string     `json:"approved_url"`
	OptionIDs        []string    `json:"option_ids"`
	CategoryIDs      []string    `json:"category_ids"`
	Images           []imageWire `json:"images"`

	lname string // lower-cased name, for the list filter
	lvpid string // lower-cased vendor_product_id
}

func (p *productRec) refresh() {
	p.lname = strings.ToLower(p.Name)
	p.lvpid = strings.ToLower(p.VendorProductID)
}

type categoryWire struct {
	CategoryID  string  `json:"category_id"`
	Description *string `json:"description"`
	Name        string  `json:"name"`
	ParentID    *string `json:"parent_id"`
	ParentName  *string `json:"parent_name"`
}

type imageWire struct {
	ImageID     string `json:"image_id"`
	ImageNumber string `json:"image_number"`
}

// productListWire is an entry of list_products: exactly the keys of the
// recorded example (no commission_amount, recurring or recurrence_p).
type productListWire struct {
	ApprovedURL       *string        `json:"approved_url"`
	AssignedProductID string         `json:"assigned_product_id"`
	Categories        []categoryWire `json:"categories"`
	Commission        *string        `json:"commission"`
	CommissionType    *string        `json:"commission_type"`
	Description       *string        `json:"description"`
	Duration          *string        `json:"duration"`
	Handling          *string        `json:"handling"`
	Images            []imageWire    `json:"images"`
	LongDescription   *string        `json:"long_description"`
	Name              string         `json:"name"`
	Options           []*optionWire  `json:"options"`
	PendingURL        *string        `json:"pending_url"`
	Price             string         `json:"price"`
	ProductID         string         `json:"product_id"`
	Recurrence        *string        `json:"recurrence"`
	StartupFee        *string        `json:"startup_fee"`
	Tangible          string         `json:"tangible"`
	VendorID          string         `json:"vendor_id"`
	VendorProductID   string         `json:"vendor_product_id"`
	Weight            *string        `json:"weight"`
}

// productDetailWire is detail_product's product: the recorded keys,
// including commission as a JSON number.
type productDetailWire struct {
	ApprovedURL       *string        `json:"approved_url"`
	AssignedProductID string         `json:"assigned_product_id"`
	Categories        []categoryWire `json:"categories"`
	Commission        int            `json:"commission"`
	CommissionAmount  *string        `json:"commission_amount"`
	CommissionType    *string        `json:"commission_type"`
	Description       *string        `json:"description"`
	Duration          *string        `json:"duration"`
	Handling          *string        `json:"handling"`
	Images            []imageWire    `json:"images"`
	LongDescription   *string        `json:"long_description"`
	Name              string         `json:"name"`
	Options           []*optionWire  `json:"options"`
	PendingURL        *string        `json:"pending_url"`
	Price             string         `json:"price"`
	ProductID         string         `json:"product_id"`
	Recurrence        *string        `json:"recurrence"`
	RecurrenceP       *string        `json:"recurrence_p"`
	Recurring         string         `json:"recurring"`
	StartupFee        *string        `json:"startup_fee"`
	Tangible          string         `json:"tangible"`
	VendorID          string         `json:"vendor_id"`
	VendorProductID   string         `json:"vendor_product_id"`
	Weight            *string        `json:"weight"`
}

type productDetailResp struct {
	Product         productDetailWire `json:"product"`
	ResponseCode    string            `json:"response_code"`
	ResponseMessage string            `json:"response_message"`
}

type productListResp struct {
	PageInfo        pageInfoWire      `json:"page_info"`
	Products        []productListWire `json:"products"`
	ResponseCode    string            `json:"response_code"`
	ResponseMessage string            `json:"response_message"`
}

type productWriteResp struct {
	AssignedProductID string `json:"assigned_product_id"`
	ProductID         string `json:"product_id"`
	ResponseCode      string `json:"response_code"`
	ResponseMessage   string `json:"response_message"`
}

var productSortCols = []string{
	"product_id", "name", "description", "option_id", "price", "vendor_product_id",
	"assigned_product_id", "tangible", "weight", "handling", "long_description", "pending_url",
	"approved_url", "startup_fee", "recurrence", "duration", "category_id", "commission_amount",
	"commission_type",
}

// productParams are create_product's inputs; update_product adds product_id.
var productParams = []paramSpec{
	{name: "name"}, {name: "price"}, {name: "vendor_product_id"}, {name: "description"},
	{name: "long_description"}, {name: "pending_url"}, {name: "approved_url"}, {name: "tangible"},
	{name: "weight"}, {name: "handling"}, {name: "recurring"}, {name: "startup_fee"},
	{name: "recurrence"}, {name: "duration"}, {name: "commission"}, {name: "commission_type"},
	{name: "commission_amount"}, {name: "option_id", multi: true}, {name: "category_id", multi: true},
}

// Length limits of product fields. The API documents none except through
// its UI; these are the sandbox's, in one place.
const (
	maxName     = 255
	maxVPID     = 255
	maxDesc     = 255
	maxLongDesc = 5000
	maxURL      = 1024
)

var periodPattern = regexp.MustCompile(`^([1-9][0-9]{0,2}) (Week|Month|Year)$`)

// period validates "<n> Week|Month|Year" (unit case-insensitive) and
// returns it normalised, e.g. "2 month" -> "2 Month".
func period(v string) (string, bool) {
	n, unit, found := strings.Cut(v, " ")
	if !found || unit == "" {
		return "", false
	}
	unit = strings.ToUpper(unit[:1]) + strings.ToLower(unit[1:])
	out := n + " " + unit
	return out, periodPattern.MatchString(out)
}

func (c *call) findProduct(id string) (*productRec, *apiError) {
	if !isID(id) {
		return nil, errInvalid("product_id")
	}
	if p := c.idx().products[id]; p != nil {
		return p, nil
	}
	if c.idx().foreign["product"][id] {
		return nil, errForbidden("product")
	}
	return nil, errNotFound()
}

func (c *call) productOptions(p *productRec) []*optionWire {
	out := make([]*optionWire, 0, len(p.OptionIDs))
	for _, id := range p.OptionIDs {
		if o := c.idx().options[id]; o != nil {
			out = append(out, o)
		}
	}
	return out
}

func (c *call) productCategories(p *productRec) []categoryWire {
	out := make([]categoryWire, 0, len(p.CategoryIDs))
	for _, id := range p.CategoryIDs {
		if cat, found := c.idx().categories[id]; found {
			out = append(out, cat)
		}
	}
	return out
}

func images(p *productRec) []imageWire {
	if p.Images == nil {
		return []imageWire{}
	}
	return p.Images
}

func flagString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// listWire renders a list entry. commission is null unless the product pays
// one (then "1"), as the recorded list shows null for plain products.
func (c *call) listWire(p *productRec) productListWire {
	var commission *string
	if p.Commission {
		commission = sp("1")
	}
	return productListWire{
		ApprovedURL:       p.ApprovedURL,
		AssignedProductID: strconv.Itoa(p.AssignedID),
		Categories:        c.productCategories(p),
		Commission:        commission,
		CommissionType:    p.CommissionType,
		Description:       p.Description,
		Duration:          p.Duration,
		Handling:          p.Handling,
		Images:            images(p),
		LongDescription:   p.LongDescription,
		Name:              p.Name,
		Options:           c.productOptions(p),
		PendingURL:        p.PendingURL,
		Price:             p.Price,
		ProductID:         p.ProductID,
		Recurrence:        p.Recurrence,
		StartupFee:        p.StartupFee,
		Tangible:          flagString(p.Tangible),
		VendorID:          p.VendorID,
		VendorProductID:   p.VendorProductID,
		Weight:            p.Weight,
	}
}

// detailWire renders detail_product's product. recurrence_p has no known
// meaning; it mirrors recurrence for recurring products and is null
// otherwise, like the recorded (non-recurring) example.
func (c *call) detailWire(p *productRec) productDetailWire {
	commission := 0
	if p.Commission {
		commission = 1
	}
	var recurrenceP *string
	if p.Recurring {
		recurrenceP = p.Recurrence
	}
	return productDetailWire{
		ApprovedURL:       p.ApprovedURL,
		AssignedProductID: strconv.Itoa(p.AssignedID),
		Categories:        c.productCategories(p),
		Commission:        commission,
		CommissionAmount:  p.CommissionAmount,
		CommissionType:    p.CommissionType,
		Description:       p.Description,
		Duration:          p.Duration,
		Handling:          p.Handling,
		Images:            images(p),
		LongDescription:   p.LongDescription,
		Name:              p.Name,
		Options:           c.productOptions(p),
		PendingURL:        p.PendingURL,
		Price:             p.Price,
		ProductID:         p.ProductID,
		Recurrence:        p.Recurrence,
		RecurrenceP:       recurrenceP,
		Recurring:         flagString(p.Recurring),
		StartupFee:        p.StartupFee,
		Tangible:          flagString(p.Tangible),
		VendorID:          p.VendorID,
		VendorProductID:   p.VendorProductID,
		Weight:            p.Weight,
	}
}

func detailProduct(c *call) (any, *apiError) {
	id, e := c.p.required("product_id")
	if e != nil {
		return nil, e
	}
	p, e := c.findProduct(id)
	if e != nil {
		return nil, e
	}
	return productDetailResp{Product: c.detailWire(p), ResponseCode: "OK", ResponseMessage: successMessage("detail_product")}, nil
}

// listProducts: name is a case-insensitive substring filter,
// vendor_product_id a case-insensitive exact match, assigned_product_id an
// exact match. Without sort_col the order is assigned_product_id ASC.
func listProducts(c *call) (any, *apiError) {
	name := strings.ToLower(c.p.get("name"))
	vpid := strings.ToLower(c.p.get("vendor_product_id"))
	assigned := -1
	if c.p.given("assigned_product_id") {
		v := c.p.get("assigned_product_id")
		n, okN := smallPositive(v)
		if !okN {
			return nil, errInvalid("assigned_product_id")
		}
		assigned = n
	}
	lr, e := parseListReq(c.p, productSortCols)
	if e != nil {
		return nil, e
	}
	all := c.st().Products
	rows := all
	if name != "" || vpid != "" || assigned >= 0 {
		rows = make([]*productRec, 0, 32)
		for _, p := range all {
			if (name == "" || strings.Contains(p.lname, name)) &&
				(vpid == "" || p.lvpid == vpid) &&
				(assigned < 0 || p.AssignedID == assigned) {
				rows = append(rows, p)
			}
		}
	}
	if lr.col != "" || lr.desc {
		rows = slices.Clone(rows)
		col := lr.col
		if col == "" {
			col = "assigned_product_id"
		}
		slices.SortFunc(rows, func(a, b *productRec) int {
			r := compareProducts(col, a, b)
			if r == 0 {
				r = cmp.Compare(a.AssignedID, b.AssignedID)
			}
			if r == 0 {
				r = cmpID(a.ProductID, b.ProductID)
			}
			if lr.desc {
				r = -r
			}
			return r
		})
	}
	start, end, pi, e := c.page(lr, len(rows))
	if e != nil {
		return nil, e
	}
	out := make([]productListWire, 0, end-start)
	for _, p := range rows[start:end] {
		out = append(out, c.listWire(p))
	}
	return productListResp{PageInfo: pi, Products: out, ResponseCode: "OK", ResponseMessage: successMessage("list_products")}, nil
}

func compareProducts(col string, a, b *productRec) int {
	switch col {
	case "product_id":
		return cmpID(a.ProductID, b.ProductID)
	case "name":
		return strings.Compare(a.lname, b.lname)
	case "description":
		return cmpStrPtr(a.Description, b.Description, cmpFold)
	case "long_description":
		return cmpStrPtr(a.LongDescription, b.LongDescription, cmpFold)
	case "option_id":
		return cmpFirstID(a.OptionIDs, b.OptionIDs)
	case "category_id":
		return cmpFirstID(a.CategoryIDs, b.CategoryIDs)
	case "price":
		return cmpDecimal(a.Price, b.Price)
	case "vendor_product_id":
		return strings.Compare(a.lvpid, b.lvpid)
	case "assigned_product_id":
		return cmp.Compare(a.AssignedID, b.AssignedID)
	case "tangible":
		return cmp.Compare(flagString(a.Tangible), flagString(b.Tangible))
	case "weight":
		return cmpStrPtr(a.Weight, b.Weight, cmpDecimal)
	case "handling":
		return cmpStrPtr(a.Handling, b.Handling, cmpDecimal)
	case "startup_fee":
		return cmpStrPtr(a.StartupFee, b.StartupFee, cmpDecimal)
	case "commission_amount":
		return cmpStrPtr(a.CommissionAmount, b.CommissionAmount, cmpDecimal)
	case "pending_url":
		return cmpStrPtr(a.PendingURL, b.PendingURL, cmpFold)
	case "approved_url":
		return cmpStrPtr(a.ApprovedURL, b.ApprovedURL, cmpFold)
	case "recurrence":
		return cmpStrPtr(a.Recurrence, b.Recurrence, cmpFold)
	case "duration":
		return cmpStrPtr(a.Duration, b.Duration, cmpFold)
	case "commission_type":
		return cmpStrPtr(a.CommissionType, b.CommissionType, cmpFold)
	}
	return 0
}

// cmpFirstID orders by the smallest id of a set; an empty set comes first.
func cmpFirstID(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	case len(b) == 0:
		return 1
	}
	return cmpID(slices.MinFunc(a, cmpID), slices.MinFunc(b, cmpID))
}

// cmpFold compares case-insensitively without allocating.
func cmpFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
		if la != lb {
			return cmp.Compare(la, lb)
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

// applyProductParams validates the product inputs and writes them into p
// (a copy of the stored record on update). On create, absent optional
// fields stay null; on update, a field replaces the stored one only when
// present (name and price included), and an option_id/category_id list
// replaces the whole set.
func (c *call) applyProductParams(p *productRec, create bool) *apiError {
	q := c.p
	// update_product changes only what is sent: the vendor's own tests
	// update a product with name alone (PHP test/ProductTest.php, RUBY
	// test), so name and price are required on create only.
	if create || q.given("name") {
		name, e := requiredText(q, "name", maxName)
		if e != nil {
			return e
		}
		p.Name = name
	}
	if create || q.given("price") {
		priceText, e := q.required("price")
		if e != nil {
			return e
		}
		price, okP := parseMoney(priceText)
		if !okP {
			return errInvalid("price")
		}
		p.Price = formatCents(price)
	}

	if q.has("vendor_product_id") {
		v, e := text(q, "vendor_product_id", maxVPID)
		if e != nil {
			return e
		}
		p.VendorProductID = v
	}
	for _, f := range []struct {
		name string
		max  int
		dst  **string
	}{{"description", maxDesc, &p.Description}, {"long_description", maxLongDesc, &p.LongDescription}} {
		if q.has(f.name) {
			v, e := text(q, f.name, f.max)
			if e != nil {
				return e
			}
			*f.dst = sp(v)
		}
	}
	for _, f := range []struct {
		name string
		dst  **string
	}{{"pending_url", &p.PendingURL}, {"approved_url", &p.ApprovedURL}} {
		if !q.has(f.name) {
			continue
		}
		v := q.get(f.name)
		switch {
		case v == "":
			*f.dst = nil
		case runeLen(v) > maxURL || !httpURL(v):
			return errInvalid(f.name)
		default:
			*f.dst = sp(v)
		}
	}

	if q.given("tangible") {
		b, e := flag01(q, "tangible")
		if e != nil {
			return e
		}
		p.Tangible = b
	}
	if q.given("weight") {
		w, okW := parseDecimal(q.get("weight"), 2)
		if !okW {
			return errInvalid("weight")
		}
		p.Weight = sp(formatCents(w))
	}
	if q.given("handling") {
		h, okH := parseMoney(q.get("handling"))
		if !okH {
			return errInvalid("handling")
		}
		p.Handling = sp(formatCents(h))
	}
	if p.Tangible {
		if p.Weight == nil {
			return errMissing("weight")
		}
		if p.Handling == nil {
			return errMissing("handling")
		}
	} else {
		p.Weight = nil
	}

	if q.given("recurring") {
		b, e := flag01(q, "recurring")
		if e != nil {
			return e
		}
		p.Recurring = b
	}
	if q.given("recurrence") {
		v, okR := period(q.get("recurrence"))
		if !okR {
			return errInvalid("recurrence")
		}
		p.Recurrence = sp(v)
	}
	if q.given("duration") {
		v := q.get("duration")
		if strings.EqualFold(v, "forever") {
			v = "Forever"
		} else {
			var okD bool
			if v, okD = period(v); !okD {
				return errInvalid("duration")
			}
		}
		p.Duration = sp(v)
	}
	if q.given("startup_fee") {
		f, okF := parseMoney(q.get("startup_fee"))
		if !okF {
			return errInvalid("startup_fee")
		}
		p.StartupFee = sp(formatCents(f))
	}
	if p.Recurring {
		if p.Recurrence == nil {
			return errMissing("recurrence")
		}
		if p.Duration == nil {
			return errMissing("duration")
		}
	} else {
		p.Recurrence, p.Duration, p.StartupFee = nil, nil, nil
	}

	if q.given("commission") {
		b, e := flag01(q, "commission")
		if e != nil {
			return e
		}
		p.Commission = b
	}
	if q.given("commission_type") {
		switch v := strings.ToLower(q.get("commission_type")); v {
		case "amount", "percentage":
			p.CommissionType = sp(v)
		default:
			return errInvalid("commission_type")
		}
	}
	if q.given("commission_amount") {
		a, okA := parseMoney(q.get("commission_amount"))
		if !okA || a <= 0 {
			return errInvalid("commission_amount")
		}
		p.CommissionAmount = sp(formatCents(a))
	}
	if p.Commission {
		if p.CommissionType == nil {
			return errMissing("commission_type")
		}
		if p.CommissionAmount == nil {
			return errMissing("commission_amount")
		}
		if *p.CommissionType == "percentage" && moneyOf(*p.CommissionAmount) > 10000 {
			return errInvalid("commission_amount")
		}
	} else {
		p.CommissionType, p.CommissionAmount = nil, nil
	}

	if q.has("option_id") {
		ids, e := c.idList("option_id", func(id string) bool { return c.idx().options[id] != nil })
		if e != nil {
			return e
		}
		p.OptionIDs = ids
	}
	if q.has("category_id") {
		ids, e := c.idList("category_id", func(id string) bool { _, found := c.idx().categories[id]; return found })
		if e != nil {
			return e
		}
		p.CategoryIDs = ids
	}
	return nil
}

// idList validates a repeated id parameter: every non-empty value must
// exist. Empty values are skipped, so a single empty value clears the set.
func (c *call) idList(name string, exists func(string) bool) ([]string, *apiError) {
	out := []string{}
	for _, v := range c.p.all(name) {
		if v == "" {
			continue
		}
		if !isID(v) || !exists(v) {
			return nil, errInvalid(name)
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func createProduct(c *call) (any, *apiError) {
	p := &productRec{VendorID: defaultVendorID, OptionIDs: []string{}, CategoryIDs: []string{}, Images: []imageWire{}}
	if e := c.applyProductParams(p, true); e != nil {
		return nil, e
	}
	if p.Handling == nil {
		p.Handling = sp("0.00") // as the recorded intangible products show
	}
	st := c.st()
	p.ProductID = st.newID()
	p.AssignedID = st.NextAssigned
	st.NextAssigned++
	p.refresh()
	st.Products = append(st.Products, p)
	c.idx().products[p.ProductID] = p
	return productWriteResp{
		AssignedProductID: strconv.Itoa(p.AssignedID), ProductID: p.ProductID,
		ResponseCode: "OK", ResponseMessage: successMessage("create_product"),
	}, nil
}

func updateProduct(c *call) (any, *apiError) {
	id, e := c.p.required("product_id")
	if e != nil {
		return nil, e
	}
	stored, e := c.findProduct(id)
	if e != nil {
		return nil, e
	}
	cp := *stored
	if e := c.applyProductParams(&cp, false); e != nil {
		return nil, e
	}
	cp.refresh()
	*stored = cp
	return productWriteResp{
		AssignedProductID: strconv.Itoa(stored.AssignedID), ProductID: stored.ProductID,
		ResponseCode: "OK", ResponseMessage: successMessage("update_product"),
	}, nil
}

// deleteProduct also drops the product from coupons that named it.
func deleteProduct(c *call) (any, *apiError) {
	id, e := c.p.required("product_id")
	if e != nil {
		return nil, e
	}
	if _, e := c.findProduct(id); e != nil {
		return nil, e
	}
	st := c.st()
	st.Products = slices.DeleteFunc(st.Products, func(p *productRec) bool { return p.ProductID == id })
	delete(c.idx().products, id)
	for _, cp := range st.Coupons {
		cp.ProductIDs = slices.DeleteFunc(cp.ProductIDs, func(x string) bool { return x == id })
	}
	return ok("delete_product"), nil
}
