package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
)

// faultsJSON is the control endpoint's view of Faults, in the same syntax
// ParseFaults and the POST form take.
type faultsJSON struct {
	Latency    string `json:"latency"`
	FailRate   string `json:"fail_rate"`
	ForceError string `json:"force_error"`
	INSFault   string `json:"ins_fault"`
}

func faultsView(f Faults) faultsJSON {
	return faultsJSON{
		Latency:    f.Latency.String(),
		FailRate:   strconv.FormatFloat(f.FailRate, 'f', -1, 64),
		ForceError: f.forceErrorString(),
		INSFault:   f.INS.String(),
	}
}

// serveControl answers the run-time control endpoints:
//
//	GET  /_sandbox/faults  current faults as JSON
//	POST /_sandbox/faults  form fields latency, fail_rate, force_error
//	                       (ParseFaults syntax; an absent field keeps its
//	                       value, an empty one clears it)
//	POST /_sandbox/reset   back to the seed
//	GET  /_sandbox/calls   JSON map method -> count
//	GET  /_sandbox/ins     the INS messages recorded, oldest first (after
//	                       message_id since=, when given), and whether a
//	                       receiver is configured
//	POST /_sandbox/ins     send one message now: form fields message_type,
//	                       sale_id, and optionally invoice_id, lineitem_id,
//	                       fraud_status (see INSEvent)
//	POST /_sandbox/ins/deliver  attempt every pending message now
//	POST /_sandbox/orders  one step of the order generator: a new order
//
// They need the API credentials. Requests a browser marks as cross-site
// are refused, because a browser that cached the Basic credentials would
// otherwise let any page reset the sandbox.
func (s *Sandbox) serveControl(w http.ResponseWriter, r *http.Request, body []byte, bodyErr error) {
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="2CO API"`)
		controlJSON(w, http.StatusUnauthorized, map[string]string{"error": "authentication failed"})
		return
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		controlJSON(w, http.StatusForbidden, map[string]string{"error": "cross-site request refused"})
		return
	}
	if bodyErr != nil {
		controlJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "request body too large"})
		return
	}
	switch r.URL.Path {
	case "/_sandbox/faults":
		switch r.Method {
		case http.MethodGet:
			controlJSON(w, http.StatusOK, faultsView(s.Faults()))
		case http.MethodPost:
			s.postFaults(w, r, body)
		default:
			notAllowed(w, "GET, POST")
		}
	case "/_sandbox/reset":
		if r.Method != http.MethodPost {
			notAllowed(w, "POST")
			return
		}
		if err := s.Reset(); err != nil {
			s.log.Error("sandbox reset failed", "err", err)
			controlJSON(w, http.StatusInternalServerError, map[string]string{"error": "reset failed"})
			return
		}
		controlJSON(w, http.StatusOK, map[string]string{"status": "reset"})
	case "/_sandbox/calls":
		if r.Method != http.MethodGet {
			notAllowed(w, "GET")
			return
		}
		controlJSON(w, http.StatusOK, s.callCounts())
	case "/_sandbox/ins":
		switch r.Method {
		case http.MethodGet:
			// ?since=<message_id> lists only the later messages, for a
			// client that polls.
			since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
			msgs := s.INSDeliveries()
			msgs = slices.DeleteFunc(msgs, func(d INSDelivery) bool { return d.MessageID <= since })
			controlJSON(w, http.StatusOK, insList{Receiver: s.insURL != "", Fault: s.Faults().INS.String(), Messages: msgs})
		case http.MethodPost:
			s.postINS(w, r, body)
		default:
			notAllowed(w, "GET, POST")
		}
	case "/_sandbox/ins/deliver":
		if r.Method != http.MethodPost {
			notAllowed(w, "POST")
			return
		}
		controlJSON(w, http.StatusOK, map[string]int{"attempted": s.DeliverINS(r.Context())})
	case "/_sandbox/orders":
		if r.Method != http.MethodPost {
			notAllowed(w, "POST")
			return
		}
		id, err := s.OrderStep()
		if err != nil {
			s.log.Error("sandbox: order step failed", "err", err)
			controlJSON(w, http.StatusInternalServerError, map[string]string{"error": "order step failed"})
			return
		}
		controlJSON(w, http.StatusOK, map[string]string{"sale_id": id})
	default:
		controlJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	}
}

func (s *Sandbox) postFaults(w http.ResponseWriter, r *http.Request, body []byte) {
	vals, err := parseParams(r, body)
	if err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed form"})
		return
	}
	cur := faultsView(s.Faults())
	pick := func(name, current string) string {
		if v, ok := vals[name]; ok && len(v) > 0 {
			return v[len(v)-1]
		}
		return current
	}
	f, err := ParseFaults(pick("latency", cur.Latency), pick("fail_rate", cur.FailRate), pick("force_error", cur.ForceError))
	if err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if f.INS, err = ParseINSFaults(pick("ins_fault", cur.INSFault)); err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.SetFaults(f)
	controlJSON(w, http.StatusOK, faultsView(s.Faults()))
}

// insList is GET /_sandbox/ins's answer. The receiver's URL itself is not
// shown: it may carry a secret path segment.
type insList struct {
	Receiver bool          `json:"receiver_configured"`
	Fault    string        `json:"ins_fault"`
	Messages []INSDelivery `json:"messages"`
}

func (s *Sandbox) postINS(w http.ResponseWriter, r *http.Request, body []byte) {
	vals, err := parseParams(r, body)
	if err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed form"})
		return
	}
	ev := INSEvent{Type: vals.Get("message_type"), SaleID: vals.Get("sale_id"), InvoiceID: vals.Get("invoice_id"),
		LineitemID: vals.Get("lineitem_id"), FraudStatus: vals.Get("fraud_status")}
	d, err := s.SendINS(r.Context(), ev)
	if err != nil {
		controlJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	controlJSON(w, http.StatusOK, d)
}

func notAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	controlJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
}

func controlJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
