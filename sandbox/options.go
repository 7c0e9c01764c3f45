package sandbox

import (
	"slices"
	"strings"
)

// optionWire is a product option, stored in its wire form (the keys of the
// recorded detail_option and list_options examples).
type optionWire struct {
	OptionID     string            `json:"option_id"`
	OptionName   string            `json:"option_name"`
	OptionValues []optionValueWire `json:"option_values"`
}

type optionValueWire struct {
	OptionValueID        string `json:"option_value_id"`
	OptionValueName      string `json:"option_value_name"`
	OptionValueSurcharge string `json:"option_value_surcharge"`
}

type optionDetailResp struct {
	Option          []*optionWire `json:"option"`
	ResponseCode    string        `json:"response_code"`
	ResponseMessage string        `json:"response_message"`
}

type optionListResp struct {
	Options         []*optionWire `json:"options"`
	PageInfo        pageInfoWire  `json:"page_info"`
	ResponseCode    string        `json:"response_code"`
	ResponseMessage string        `json:"response_message"`
}

type optionCreateResp struct {
	OptionID        string `json:"option_id"`
	ResponseCode    string `json:"response_code"`
	ResponseMessage string `json:"response_message"`
}

var optionSortCols = []string{"option_id", "option_name"}

// surcharge parses an option surcharge: a non-negative amount with at most
// two decimals.
func surcharge(v, name string) (string, *apiError) {
	n, okS := parseMoney(v)
	if !okS {
		return "", errInvalid(name)
	}
	return formatCents(n), nil
}

func (c *call) findOption() (*optionWire, *apiError) {
	id, e := c.p.required("option_id")
	if e != nil {
		return nil, e
	}
	if !isID(id) {
		return nil, errInvalid("option_id")
	}
	if o := c.idx().options[id]; o != nil {
		return o, nil
	}
	if c.idx().foreign["option"][id] {
		return nil, errForbidden("option")
	}
	return nil, errNotFound()
}

func detailOption(c *call) (any, *apiError) {
	o, e := c.findOption()
	if e != nil {
		return nil, e
	}
	return optionDetailResp{Option: []*optionWire{o}, ResponseCode: "OK", ResponseMessage: successMessage("detail_option")}, nil
}

// listOptions: option_name and option_value_name are case-insensitive
// substring filters. Without sort_col the order is option_id ASC.
func listOptions(c *call) (any, *apiError) {
	name := strings.ToLower(c.p.get("option_name"))
	valueName := strings.ToLower(c.p.get("option_value_name"))
	lr, e := parseListReq(c.p, optionSortCols)
	if e != nil {
		return nil, e
	}
	rows := make([]*optionWire, 0, len(c.st().Options))
	for _, o := range c.st().Options {
		if name != "" && !strings.Contains(strings.ToLower(o.OptionName), name) {
			continue
		}
		if valueName != "" && !slices.ContainsFunc(o.OptionValues, func(v optionValueWire) bool {
			return strings.Contains(strings.ToLower(v.OptionValueName), valueName)
		}) {
			continue
		}
		rows = append(rows, o)
	}
	slices.SortStableFunc(rows, func(a, b *optionWire) int {
		r := 0
		if lr.col == "option_name" {
			r = cmpFold(a.OptionName, b.OptionName)
		}
		if r == 0 {
			r = cmpID(a.OptionID, b.OptionID)
		}
		if lr.desc {
			r = -r
		}
		return r
	})
	start, end, pi, e := c.page(lr, len(rows))
	if e != nil {
		return nil, e
	}
	return optionListResp{Options: rows[start:end], PageInfo: pi, ResponseCode: "OK", ResponseMessage: successMessage("list_options")}, nil
}

func createOption(c *call) (any, *apiError) {
	name, e := requiredText(c.p, "option_name", maxName)
	if e != nil {
		return nil, e
	}
	names, surcharges := c.p.all("option_value_name"), c.p.all("option_value_surcharge")
	if len(names) == 0 || (len(names) == 1 && names[0] == "") {
		return nil, errMissing("option_value_name")
	}
	if len(surcharges) == 0 || (len(surcharges) == 1 && surcharges[0] == "") {
		return nil, errMissing("option_value_surcharge")
	}
	if len(names) != len(surcharges) {
		return nil, errInvalid("option_value_surcharge")
	}
	st := c.st()
	o := &optionWire{OptionName: name, OptionValues: make([]optionValueWire, 0, len(names))}
	for i := range names {
		if strings.TrimSpace(names[i]) == "" || runeLen(names[i]) > maxName {
			return nil, errInvalid("option_value_name")
		}
		s, e := surcharge(surcharges[i], "option_value_surcharge")
		if e != nil {
			return nil, e
		}
		o.OptionValues = append(o.OptionValues, optionValueWire{OptionValueName: names[i], OptionValueSurcharge: s})
	}
	// Ids are only taken once everything validated, so a rejected call
	// leaves the id counter, and thus later ids, unchanged.
	o.OptionID = st.newID()
	for i := range o.OptionValues {
		o.OptionValues[i].OptionValueID = st.newID()
	}
	st.Options = append(st.Options, o)
	c.idx().options[o.OptionID] = o
	return optionCreateResp{OptionID: o.OptionID, ResponseCode: "OK", ResponseMessage: successMessage("create_option")}, nil
}

// updateOption renames the option and changes at most one value:
// option_value_id with a name and/or surcharge updates that value;
// option_value_id alone deletes it (an option keeps at least one value);
// name and surcharge without option_value_id add a value.
func updateOption(c *call) (any, *apiError) {
	o, e := c.findOption()
	if e != nil {
		return nil, e
	}
	name, e := requiredText(c.p, "option_name", maxName)
	if e != nil {
		return nil, e
	}
	valueID := c.p.get("option_value_id")
	valueName := c.p.get("option_value_name")
	hasName, hasSurcharge := c.p.given("option_value_name"), c.p.given("option_value_surcharge")
	if hasName && (strings.TrimSpace(valueName) == "" || runeLen(valueName) > maxName) {
		return nil, errInvalid("option_value_name")
	}
	var sc string
	if hasSurcharge {
		if sc, e = surcharge(c.p.get("option_value_surcharge"), "option_value_surcharge"); e != nil {
			return nil, e
		}
	}
	values := slices.Clone(o.OptionValues)
	switch {
	case valueID != "":
		i := slices.IndexFunc(values, func(v optionValueWire) bool { return v.OptionValueID == valueID })
		if !isID(valueID) || i < 0 {
			return nil, errInvalid("option_value_id")
		}
		switch {
		case hasName || hasSurcharge:
			if hasName {
				values[i].OptionValueName = valueName
			}
			if hasSurcharge {
				values[i].OptionValueSurcharge = sc
			}
		case len(values) == 1:
			return nil, errInvalid("option_value_id")
		default:
			values = slices.Delete(values, i, i+1)
		}
	case hasName && !hasSurcharge:
		return nil, errMissing("option_value_surcharge")
	case hasSurcharge && !hasName:
		return nil, errMissing("option_value_name")
	case hasName && hasSurcharge:
		values = append(values, optionValueWire{OptionValueID: c.st().newID(), OptionValueName: valueName, OptionValueSurcharge: sc})
	}
	o.OptionName, o.OptionValues = name, values
	return ok("update_option"), nil
}

// deleteOption also removes the option from every product using it.
func deleteOption(c *call) (any, *apiError) {
	o, e := c.findOption()
	if e != nil {
		return nil, e
	}
	st := c.st()
	st.Options = slices.DeleteFunc(st.Options, func(x *optionWire) bool { return x == o })
	delete(c.idx().options, o.OptionID)
	for _, p := range st.Products {
		p.OptionIDs = slices.DeleteFunc(p.OptionIDs, func(id string) bool { return id == o.OptionID })
	}
	return ok("delete_option"), nil
}
