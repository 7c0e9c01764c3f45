package ins

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"backoffice/store"
	"backoffice/store/storetest"
)

// BenchmarkReceive measures one delivery end to end below HTTP: read,
// parse, check the hash (secret word cached), and the transaction that
// stores the message and updates the sale, invoice and pick list. It is the
// time the service waits for its 200.
func BenchmarkReceive(b *testing.B) {
	for name, open := range map[string]func(testing.TB) *store.Store{"sqlite": storetest.SQLite, "postgres": storetest.Postgres} {
		b.Run(name, func(b *testing.B) {
			st := open(b)
			api := &fakeCompany{secret: "tango"}
			r := NewReceiver(st, NewVerifier(api, VerifierOptions{}), ReceiverOptions{})
			base := set(set(example(), "ship_status", "not_shipped"), "ship_city", "Columbus")
			bodies := make([]string, b.N)
			for i := range bodies {
				fs := set(base, "message_id", strconv.Itoa(i+1))
				fs = set(fs, "sale_id", strconv.Itoa(5000000+i/4)) // four messages per sale
				fs = set(fs, "invoice_id", strconv.Itoa(6000000+i/4))
				fs = set(fs, "timestamp", time.Date(2026, 11, 20, 9, 0, i%60, 0, time.UTC).Format("2006-01-02 15:04:05")+" EST")
				bodies[i] = encode(signed(fs, "tango"))
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := r.Receive(b.Context(), "application/x-www-form-urlencoded", strings.NewReader(bodies[i])); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
