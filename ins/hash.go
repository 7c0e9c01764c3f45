package ins

import (
	"crypto/md5" //nolint:gosec // the service signs with MD5; nothing here chooses it
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// Signature is the md5_hash the service sends: UPPERCASE(MD5(sale_id +
// vendor_id + invoice_id + secret_word)), the four values concatenated as
// text with nothing between them.
func Signature(saleID, vendorID, invoiceID, secretWord string) string {
	sum := md5.Sum([]byte(saleID + vendorID + invoiceID + secretWord)) //nolint:gosec // see the import
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// CheckHash reports whether m's md5_hash is its signature under secretWord.
// The comparison takes the same time whatever the hash, so a forger learns
// nothing from timing; the hash's hex digits may be in either case. The
// values are taken as sent, before any trimming.
func CheckHash(m *Message, secretWord string) bool {
	got, err := hex.DecodeString(m.Params["md5_hash"])
	if err != nil || len(got) != md5.Size {
		return false
	}
	want := md5.Sum([]byte(m.Params["sale_id"] + m.Params["vendor_id"] + m.Params["invoice_id"] + secretWord)) //nolint:gosec // see the import
	return subtle.ConstantTimeCompare(got, want[:]) == 1
}
