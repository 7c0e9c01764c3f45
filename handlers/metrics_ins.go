package handlers

import "github.com/prometheus/client_golang/prometheus"

// INS receiver outcomes, the result label of backoffice_ins_messages_total.
const (
	insAccepted    = "accepted"    // stored
	insDuplicate   = "duplicate"   // a message_id stored before: answered 200, nothing changed
	insRefused     = "refused"     // reason: oversize, malformed, hash_missing, hash_wrong
	insUnavailable = "unavailable" // the secret word could not be read: 503, the service retries
	insFailed      = "error"       // storing failed: 500, the service retries
	insLimited     = "limited"     // over the per-address rate: 429
	insWrongPath   = "wrong_path"  // /ins without the configured path token, or a wrong token: 404
)

// insMetrics counts what became of each delivery to the INS receiver.
type insMetrics struct {
	messages *prometheus.CounterVec
}

// insMetrics registers the receiver's counters in the panel's registry.
func (m *metrics) insMetrics() *insMetrics {
	im := &insMetrics{messages: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "backoffice_ins_messages_total",
		Help: "INS deliveries by result (accepted, duplicate, refused, unavailable, error, limited, wrong_path) and refusal reason.",
	}, []string{"result", "reason"})}
	m.reg.MustRegister(im.messages)
	return im
}

func (m *insMetrics) count(result, reason string) { m.messages.WithLabelValues(result, reason).Inc() }
