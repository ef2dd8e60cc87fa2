package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/webhook"
)

// Webhook delivery rules and limits (docs/cryptlex-webhooks.md explains
// them).
const (
	// WebhookMaxRetries is how many times a failed delivery is tried again.
	WebhookMaxRetries = webhook.MaxRetries
	// WebhookRetryInterval is the time between two tries of a delivery, on
	// the server's Clock: advancing the clock by it sends the retries due.
	WebhookRetryInterval = webhook.RetryInterval
	// WebhookMaxFailures is how many failed attempts in a row switch a
	// webhook off (active: false).
	WebhookMaxFailures = webhook.MaxFailures
	// WebhookTimeout is the real time one attempt may take.
	WebhookTimeout = webhook.DefaultTimeout
	// WebhookQueueLimit is how many deliveries may wait for one webhook;
	// later events are not sent to it (the delivery log says so).
	WebhookQueueLimit = webhook.DefaultQueueLimit
	// WebhookLogLimit is how many entries Deliveries keeps (the newest).
	WebhookLogLimit = webhook.DefaultLogLimit
	// WebhookSignatureHeader carries a delivery's signature: the standard
	// base64 encoding of HMAC-SHA256 of the raw body, keyed with the
	// webhook's token.
	WebhookSignatureHeader = webhook.SignatureHeader
)

// Delivery is one attempt to deliver a webhook event, or an event that was
// not delivered, as Deliveries reports it.
type Delivery struct {
	// ID numbers the delivery (one event to one webhook); its attempts
	// share it. It starts at 0 and again after Reset.
	ID uint64 `json:"id"`
	// Webhook is the webhook's id, URL its url when the event happened.
	Webhook string `json:"webhook"`
	URL     string `json:"url"`
	// Event is the event name, such as "personalAccessToken.created".
	Event string `json:"event"`
	// Attempt is 1 for the first try and up to 1+WebhookMaxRetries for the
	// retries; 0 for an event that was not sent.
	Attempt int `json:"attempt"`
	// Time is when the attempt was made, on the server's Clock.
	Time time.Time `json:"time"`
	// Status is the receiver's HTTP status, 0 if it gave none.
	Status int `json:"status,omitempty"`
	// Error says why the attempt failed or the event was not sent; empty
	// for a 2xx answer.
	Error string `json:"error,omitempty"`
	// Rule names the scripted rule that changed the delivery, and Fault
	// what it did.
	Rule  string        `json:"rule,omitempty"`
	Fault DeliveryFault `json:"fault,omitempty"`
	// Duration is the real time the attempt took.
	Duration time.Duration `json:"-"`
}

// OK reports whether the receiver answered the attempt with a 2xx status.
func (d *Delivery) OK() bool { return d.Status >= 200 && d.Status < 300 && d.Error == "" }

// MarshalJSON writes the delivery with its duration as a Go duration
// string, such as "1.5ms".
func (d Delivery) MarshalJSON() ([]byte, error) {
	type plain Delivery
	return json.Marshal(struct {
		plain
		Duration string `json:"duration"`
	}{plain(d), d.Duration.String()})
}

// Deliveries returns the webhook delivery log, oldest first: every attempt
// made (with the receiver's status or the error) and every event that was
// not sent. It keeps the newest WebhookLogLimit entries; Reset empties it.
// Call WaitDeliveries first to see the deliveries caused by a request that
// just returned.
func (s *Server) Deliveries() []Delivery {
	attempts := s.webhooks.Attempts()
	out := make([]Delivery, len(attempts))
	for i, a := range attempts {
		out[i] = Delivery{
			ID: a.Delivery, Webhook: a.Webhook, URL: a.URL, Event: a.Event, Attempt: a.Attempt, Time: a.Time,
			Status: a.Status, Error: a.Error, Rule: a.Rule, Fault: DeliveryFault(a.Fault), Duration: a.Duration,
		}
	}
	return out
}

// WaitDeliveries returns once every webhook delivery that is due has been
// attempted: the first tries of the events that happened before the call,
// and the retries that the Clock has made due. Retries not yet due are not
// waited for (advance the Clock by WebhookRetryInterval to make them due).
// A delivery held back by a "reorder" rule is sent too. It returns ctx's
// error if ctx ends first.
func (s *Server) WaitDeliveries(ctx context.Context) error {
	return s.webhooks.Wait(ctx)
}

// maxFlushWait bounds how long POST /_fake/webhooks/flush waits.
const maxFlushWait = time.Minute

// deliveriesBody answers the admin webhook routes.
type deliveriesBody struct {
	Deliveries []Delivery `json:"deliveries"`
}

// registerWebhookAdmin adds the admin routes of webhook deliveries to r.
func (s *Server) registerWebhookAdmin(r *mux.Router) {
	r.HandleFunc("/_fake/webhooks/deliveries", s.adminDeliveries).Methods(http.MethodGet)
	r.HandleFunc("/_fake/webhooks/flush", s.adminFlushDeliveries).Methods(http.MethodPost)
}

func (s *Server) adminDeliveries(w http.ResponseWriter, _ *http.Request) {
	writeAdminJSON(w, http.StatusOK, deliveriesBody{Deliveries: s.Deliveries()})
}

// adminFlushDeliveries waits as WaitDeliveries does, at most maxFlushWait,
// and answers with the delivery log.
func (s *Server) adminFlushDeliveries(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), maxFlushWait)
	defer cancel()
	if err := s.WaitDeliveries(ctx); err != nil {
		status := http.StatusGatewayTimeout
		if !errors.Is(err, context.DeadlineExceeded) {
			status = http.StatusServiceUnavailable
		}
		writeAdminError(w, status, fmt.Sprintf("webhook deliveries still under way: %v", err))
		return
	}
	writeAdminJSON(w, http.StatusOK, deliveriesBody{Deliveries: s.Deliveries()})
}

// DeliveryFault is what a scripted rule does to a webhook delivery
// (Response.Delivery).
type DeliveryFault string

// The delivery faults a Rule can script.
const (
	// DeliveryDuplicate sends the delivery twice in a row, with the same
	// body and signature.
	DeliveryDuplicate DeliveryFault = "duplicate"
	// DeliveryDrop does not send the delivery; Deliveries lists it as not
	// sent.
	DeliveryDrop DeliveryFault = "drop"
	// DeliveryBadSignature sends a Webhook-Signature that does not match
	// the body.
	DeliveryBadSignature DeliveryFault = "bad-signature"
	// DeliveryReorder holds the delivery back until the webhook's next
	// event, and sends it after that one (WaitDeliveries sends it if no
	// other event comes).
	DeliveryReorder DeliveryFault = "reorder"
)

// pickDelivery is what the scripted rules do to a delivery of event.
func (s *Server) pickDelivery(event string) webhook.Script {
	return webhook.Script{}
}
