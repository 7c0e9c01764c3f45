package apiclient

// MethodInfo describes one API method.
type MethodInfo struct {
	// Group is the URL group: "acct", "sales" or "products".
	Group string
	// Name is the API's method name, e.g. "detail_sale".
	Name string
	// GoName is the name of the [Client] method that calls it.
	GoName string
	// Write is true for calls that change state: they are sent as POST and
	// never retried automatically.
	Write bool
}

// Path returns "group/name", the form used in errors and logs.
func (m MethodInfo) Path() string { return m.Group + "/" + m.Name }

// Methods lists every API method this package calls, in the order of the API
// reference. Tests and documentation iterate over it; changing it changes
// nothing about how calls are made.
var Methods = []MethodInfo{
	*mCompanyInfo, *mContactInfo,
	*mPendingPayment, *mListPayments,
	*mDetailSale, *mListSales, *mRefundInvoice, *mRefundLineitem, *mStopLineitemRecurring,
	*mReauth, *mMarkShipped, *mCreateComment, *mUpdateLineitemRecurring,
	*mCreateProduct, *mDetailProduct, *mListProducts, *mUpdateProduct, *mDeleteProduct,
	*mCreateOption, *mDetailOption, *mListOptions, *mUpdateOption, *mDeleteOption,
	*mCreateCoupon, *mDetailCoupon, *mListCoupons, *mUpdateCoupon, *mDeleteCoupon,
}

func readMethod(group, name, goName string) *MethodInfo {
	return &MethodInfo{Group: group, Name: name, GoName: goName}
}

func writeMethod(group, name, goName string) *MethodInfo {
	return &MethodInfo{Group: group, Name: name, GoName: goName, Write: true}
}
