package apiclient

import (
	"context"
	"fmt"
)

var (
	mCreateOption = writeMethod("products", "create_option", "CreateOption")
	mDetailOption = readMethod("products", "detail_option", "DetailOption")
	mListOptions  = readMethod("products", "list_options", "ListOptions")
	mUpdateOption = writeMethod("products", "update_option", "UpdateOption")
	mDeleteOption = writeMethod("products", "delete_option", "DeleteOption")
)

// Option is a product option (a named set of values with surcharges).
type Option struct {
	OptionID     Text          `json:"option_id"`
	OptionName   Text          `json:"option_name"`
	VendorID     Text          `json:"vendor_id"`
	OptionValues []OptionValue `json:"option_values"`
}

// OptionValue is one value of an option; the surcharge is decimal text.
type OptionValue struct {
	OptionValueID        Text `json:"option_value_id"`
	OptionValueName      Text `json:"option_value_name"`
	OptionValueSurcharge Text `json:"option_value_surcharge"`
	OptionID             Text `json:"option_id"`
	VendorID             Text `json:"vendor_id"`
}

// OptionList is one page of list_options.
type OptionList struct {
	PageInfo PageInfo `json:"page_info"`
	Options  []Option `json:"options"`
}

// CreateOptionParams are the inputs of create_option. The names and
// surcharges pair up by position, so their counts must match; the client
// checks that before sending.
type CreateOptionParams struct {
	OptionName            string   `url:"option_name"`
	OptionValueNames      []string `url:"option_value_name"`
	OptionValueSurcharges []string `url:"option_value_surcharge"`
}

func (p CreateOptionParams) validate() error {
	if len(p.OptionValueNames) != len(p.OptionValueSurcharges) {
		return fmt.Errorf("%w: %d option value names but %d surcharges",
			ErrInvalidParams, len(p.OptionValueNames), len(p.OptionValueSurcharges))
	}
	return nil
}

// UpdateOptionParams are the inputs of update_option. OptionID and
// OptionName are required. OptionValueID picks an existing value to change;
// without it, OptionValueName and OptionValueSurcharge add a value.
type UpdateOptionParams struct {
	OptionID             string  `url:"option_id"`
	OptionName           string  `url:"option_name"`
	OptionValueID        string  `url:"option_value_id"`
	OptionValueName      *string `url:"option_value_name"`
	OptionValueSurcharge *string `url:"option_value_surcharge"`
}

// DetailOptionParams names the option to fetch.
type DetailOptionParams struct {
	OptionID string `url:"option_id"`
}

// ListOptionsParams filters and pages list_options. Every field is optional.
type ListOptionsParams struct {
	OptionName      string `url:"option_name"`
	OptionValueName string `url:"option_value_name"`
	Page            int    `url:"cur_page"`
	PageSize        int    `url:"pagesize"`
	// SortCol is option_id or option_name.
	SortCol string `url:"sort_col"`
	SortDir string `url:"sort_dir"`
}

// DeleteOptionParams names the option to delete.
type DeleteOptionParams struct {
	OptionID string `url:"option_id"`
}

// OptionResult is the answer of create_option.
type OptionResult struct {
	Result
	OptionID Text
}

type detailOptionResponse struct {
	envelope
	// detail_option wraps its single option in an array.
	Option []Option `json:"option"`
}

func (r *detailOptionResponse) missing() string {
	if len(r.Option) == 0 {
		return "option"
	}
	return ""
}

// CreateOption calls products/create_option.
func (c *Client) CreateOption(ctx context.Context, p CreateOptionParams) (*OptionResult, error) {
	var r struct {
		envelope
		OptionID Text `json:"option_id"`
	}
	if err := c.call(ctx, mCreateOption, p, &r); err != nil {
		return nil, err
	}
	return &OptionResult{Result: r.result(), OptionID: r.OptionID}, nil
}

// DetailOption calls products/detail_option and returns the first (on record,
// the only) element of the "option" array.
func (c *Client) DetailOption(ctx context.Context, p DetailOptionParams) (*Option, error) {
	var r detailOptionResponse
	if err := c.call(ctx, mDetailOption, p, &r); err != nil {
		return nil, err
	}
	return &r.Option[0], nil
}

// ListOptions calls products/list_options for one page.
func (c *Client) ListOptions(ctx context.Context, p ListOptionsParams) (*OptionList, error) {
	var r struct {
		envelope
		OptionList
	}
	if err := c.call(ctx, mListOptions, p, &r); err != nil {
		return nil, err
	}
	return &r.OptionList, nil
}

// UpdateOption calls products/update_option.
func (c *Client) UpdateOption(ctx context.Context, p UpdateOptionParams) (*Result, error) {
	return c.simpleWrite(ctx, mUpdateOption, p)
}

// DeleteOption calls products/delete_option.
func (c *Client) DeleteOption(ctx context.Context, p DeleteOptionParams) (*Result, error) {
	return c.simpleWrite(ctx, mDeleteOption, p)
}
