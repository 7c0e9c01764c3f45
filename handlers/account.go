package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"backoffice/apiclient"
	"backoffice/auth"
	accountpage "backoffice/templates/pages/account"
)

// accountAPI is what the account page needs of the Admin API.
type accountAPI interface {
	CompanyInfo(ctx context.Context) (*apiclient.CompanyInfo, error)
	ContactInfo(ctx context.Context) (*apiclient.ContactInfo, error)
}

// accountHandler shows the account's contact and company details
// (account.view) and reveals the secret word after a step-up
// (account.secret).
type accountHandler struct {
	*web
	api    accountAPI
	hasher *auth.Hasher
	users  userStore
	audit  *Auditor
	stepUp stepUp
	now    func() time.Time
}

// load fetches company and contact details concurrently.
func (h *accountHandler) load(ctx context.Context) (*apiclient.CompanyInfo, *apiclient.ContactInfo, error) {
	var (
		wg         sync.WaitGroup
		co         *apiclient.CompanyInfo
		ct         *apiclient.ContactInfo
		errA, errB error
	)
	wg.Add(2)
	go func() { defer wg.Done(); co, errA = h.api.CompanyInfo(ctx) }()
	go func() { defer wg.Done(); ct, errB = h.api.ContactInfo(ctx) }()
	wg.Wait()
	if errA != nil {
		return nil, nil, errA
	}
	return co, ct, errB
}

// accountView is the account page for the person of rq.
func accountView(rq *request, p paths, co *apiclient.CompanyInfo, ct *apiclient.ContactInfo) accountpage.View {
	view := accountpage.View{CSRF: rq.CSRF(), SecretURL: p.AccountSecret(), CanReveal: rq.Can(auth.AccountSecret), NeedsCode: rq.User().TOTPEnabled,
		HasSecret: co.SecretWord.IsSet()}
	returnMethod := map[string]string{"0": "Links back to the website", "1": "Straight back to the website"}[co.ReturnMethod.Value]
	demo := map[string]string{"Y": "On", "N": "Off", "P": "Set per order by a parameter"}[co.Demo.Value]
	view.Company = []accountpage.Fact{
		{Label: "Company", Value: text(co.VendorName)},
		{Label: "Account number", Value: text(co.VendorID)},
		{Label: "Site title", Value: text(co.SiteTitle)},
		{Label: "Description", Value: text(co.SiteDescription)},
		{Label: "Category", Value: text(co.SiteCategory)},
		{Label: "Statement descriptor", Value: text(co.SoftDescriptor)},
		{Label: "Website", Value: text(co.URL)},
		{Label: "Return URL", Value: text(co.ReturnURL)},
		{Label: "Pending return URL", Value: text(co.PendingReturnURL)},
		{Label: "Affiliate URL", Value: text(co.AffiliateURL)},
		{Label: "After checkout", Value: returnMethod},
		{Label: "Currency", Value: strings.TrimSpace(text(co.CurrencyName) + " (" + text(co.CurrencyCode) + ") " + text(co.CurrencySymbol))},
		{Label: "Demo mode", Value: demo},
	}
	view.Contact = []accountpage.Fact{
		{Label: "Customer service e-mail", Value: text(ct.CustomerServiceEmail)},
		{Label: "Customer service phone", Value: phone(ct.CustomerServicePhone, ct.CustomerServicePhoneExt)},
		{Label: "Office e-mail", Value: text(ct.OfficeEmail)},
		{Label: "Office phone", Value: phone(ct.OfficePhone, ct.OfficePhoneExt)},
	}
	view.Mailing = postalAddress(ct.MailingAddress1, ct.MailingAddress2, ct.MailingCity, ct.MailingState, ct.MailingPostalCode, ct.MailingCountryCode)
	view.Physical = postalAddress(ct.PhysicalAddress1, ct.PhysicalAddress2, ct.PhysicalCity, ct.PhysicalState, ct.PhysicalPostalCode, ct.PhysicalCountryCode)
	return view
}

func (h *accountHandler) show(c echo.Context) error {
	co, ct, err := h.load(c.Request().Context())
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, "Account", accountpage.Page(accountView(requestOf(c), h.paths, co, ct)), nil)
}

// revealSecret shows the secret word once, after the password (and the
// second factor, when the viewer has one) is given again. The re-entry is
// throttled per user (stepUp); the response is never stored by the browser
// or htmx, and every attempt is audited.
func (h *accountHandler) revealSecret(c echo.Context) error {
	ctx := c.Request().Context()
	rq := requestOf(c)
	v := viewerOf(c)
	errs := map[string]string{}
	password, code := c.FormValue("password"), strings.TrimSpace(c.FormValue("code"))
	ok := false
	if password == "" {
		errs["password"] = "Enter your password."
	} else {
		var locked string
		var err error
		ok, locked, err = h.stepUp.check(ctx, rq, func() (bool, error) {
			good, _, err := h.hasher.Verify(ctx, password, v.User.PasswordHash)
			if err != nil || !good {
				errs["password"] = "That is not your password."
				return false, err
			}
			if v.User.TOTPEnabled {
				good, _, err := verifySecondFactor(ctx, h.users, v.User, code, h.now())
				if err != nil || !good {
					errs["code"] = "That code is not valid, or was already used. Wait for the next code."
					return false, err
				}
			}
			return true, nil
		})
		if err != nil {
			return err
		}
		if locked != "" {
			errs["password"] = locked
		}
	}
	co, ct, err := h.load(ctx)
	if err != nil {
		return err
	}
	view := accountView(rq, h.paths, co, ct)
	s := h.shell(c, "Account")
	s.NoHistory = true
	if !ok {
		h.audit.RecordRepeatable(ctx, rq, AuditEntry{Action: "account.secret.reveal", Target: "account:" + text(co.VendorID), Outcome: OutcomeFailed,
			Detail: "step-up failed", Params: url.Values{}})
		view.Errors = errs
		return h.renderShell(c, http.StatusUnprocessableEntity, s, accountpage.Page(view), nil)
	}
	h.audit.Record(ctx, rq, AuditEntry{Action: "account.secret.reveal", Target: "account:" + text(co.VendorID), Outcome: OutcomeOK})
	view.Secret = co.SecretWord.Reveal()
	return h.renderShell(c, http.StatusOK, s, accountpage.Page(view), nil)
}
