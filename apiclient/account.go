package apiclient

import "context"

var (
	mCompanyInfo = readMethod("acct", "detail_company_info", "CompanyInfo")
	mContactInfo = readMethod("acct", "detail_contact_info", "ContactInfo")
)

// CompanyInfo is the account's site settings (vendor_company_info).
type CompanyInfo struct {
	VendorID         Text `json:"vendor_id"`
	VendorName       Text `json:"vendor_name"`
	SiteTitle        Text `json:"site_title"`
	SiteDescription  Text `json:"site_description"`
	SoftDescriptor   Text `json:"soft_descriptor"`
	SiteCategory     Text `json:"site_category"`
	ReturnURL        Text `json:"return_url"`
	PendingReturnURL Text `json:"pending_return_url"`
	AffiliateURL     Text `json:"affiliate_url"`
	// ReturnMethod: "0" links back to the site, "1" returns immediately.
	ReturnMethod   Text `json:"return_method"`
	CurrencySymbol Text `json:"currency_symbol"`
	CurrencyCode   Text `json:"currency_code"`
	CurrencyName   Text `json:"currency_name"`
	URL            Text `json:"url"`
	// Demo: "Y" on, "N" off, "P" decided by a parameter.
	Demo Text `json:"demo"`
	// SecretWord signs INS notifications; whoever knows it can forge
	// "payment received". It never prints; see [Secret.Reveal].
	SecretWord Secret `json:"secret_word"`
}

// ContactInfo is the account's addresses and contact points
// (vendor_contact_info). Several fields can hold the string "null" rather
// than a JSON null; [Text.Blank] treats both as empty.
type ContactInfo struct {
	VendorID                Text `json:"vendor_id"`
	AccountLevelID          Text `json:"2co_account_level_id"`
	CustomerServiceEmail    Text `json:"customer_service_email"`
	CustomerServicePhone    Text `json:"customer_service_phone"`
	CustomerServicePhoneExt Text `json:"customer_service_phone_ext"`
	MailingAddress1         Text `json:"mailing_address_1"`
	MailingAddress2         Text `json:"mailing_address_2"`
	MailingAddressID        Text `json:"mailing_address_id"`
	MailingCity             Text `json:"mailing_city"`
	MailingCountryCode      Text `json:"mailing_country_code"`
	MailingPostalCode       Text `json:"mailing_postal_code"`
	MailingState            Text `json:"mailing_state"`
	OfficeEmail             Text `json:"office_email"`
	OfficePhone             Text `json:"office_phone"`
	OfficePhoneExt          Text `json:"office_phone_ext"`
	PhysicalAddress1        Text `json:"physical_address_1"`
	PhysicalAddress2        Text `json:"physical_address_2"`
	PhysicalAddressID       Text `json:"physical_address_id"`
	PhysicalCity            Text `json:"physical_city"`
	PhysicalCountryCode     Text `json:"physical_country_code"`
	PhysicalPostalCode      Text `json:"physical_postal_code"`
	PhysicalState           Text `json:"physical_state"`
}

type companyInfoResponse struct {
	envelope
	Info *CompanyInfo `json:"vendor_company_info"`
}

func (r *companyInfoResponse) missing() string {
	if r.Info == nil {
		return "vendor_company_info"
	}
	return ""
}

type contactInfoResponse struct {
	envelope
	Info *ContactInfo `json:"vendor_contact_info"`
}

func (r *contactInfoResponse) missing() string {
	if r.Info == nil {
		return "vendor_contact_info"
	}
	return ""
}

// CompanyInfo calls acct/detail_company_info.
func (c *Client) CompanyInfo(ctx context.Context) (*CompanyInfo, error) {
	var r companyInfoResponse
	if err := c.call(ctx, mCompanyInfo, nil, &r); err != nil {
		return nil, err
	}
	return r.Info, nil
}

// ContactInfo calls acct/detail_contact_info.
func (c *Client) ContactInfo(ctx context.Context) (*ContactInfo, error) {
	var r contactInfoResponse
	if err := c.call(ctx, mContactInfo, nil, &r); err != nil {
		return nil, err
	}
	return r.Info, nil
}
