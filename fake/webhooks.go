package fake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
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

// UnmarshalJSON reads a delivery as MarshalJSON writes it.
func (d *Delivery) UnmarshalJSON(b []byte) error {
	type plain Delivery
	var v struct {
		plain
		Duration string `json:"duration"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = Delivery(v.plain)
	if v.Duration != "" {
		dur, err := time.ParseDuration(v.Duration)
		if err != nil {
			return fmt.Errorf("delivery duration: %w", err)
		}
		d.Duration = dur
	}
	return nil
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

// WithWebhookHosts lets Cryptlex webhooks be delivered to hosts besides
// loopback (localhost, 127.0.0.0/8 and ::1, always allowed): host names
// (matched exactly), IP addresses, and CIDR prefixes such as
// "172.17.0.0/16". A webhook whose URL names another host is refused when
// it is created, with a 400 that says how to allow it. NewServer fails for
// an entry that is none of these. The option may be given several times.
func WithWebhookHosts(hosts ...string) Option {
	return func(c *config) { c.webhookHosts = append(c.webhookHosts, hosts...) }
}

// maxFlushWait bounds how long POST /_fake/webhooks/flush waits.
const maxFlushWait = time.Minute

// deliveriesBody answers the admin webhook routes.
type deliveriesBody struct {
	Deliveries []Delivery `json:"deliveries"`
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

// pickDelivery is what the scripted rules do to a delivery of event: the
// first rule that matches it and has calls left.
func (s *Server) pickDelivery(event string) webhook.Script {
	ru, ok := s.script.pick(&incoming{api: APICryptlex, webhook: event})
	if !ok {
		return webhook.Script{}
	}
	return webhook.Script{Rule: ru.Name, Fault: webhook.Fault(ru.Respond.Delivery), Delay: ru.Respond.Delay}
}

// matchesWebhook reports whether r and c agree on being about a webhook
// delivery, and on its event: a rule with Match.Webhook matches only
// deliveries, any other rule only requests.
func (r *rule) matchesWebhook(c *incoming) bool {
	if r.Match.Webhook == "" || c.webhook == "" {
		return r.Match.Webhook == c.webhook
	}
	return r.Match.Webhook == APIAny || r.Match.Webhook == c.webhook
}

// checkDeliveryRule checks a rule about webhook deliveries: what it may
// match and how it may answer.
func checkDeliveryRule(r *Rule, fail func(field, format string, args ...any) error) error {
	m, resp := r.Match, r.Respond
	if m.Webhook == "" {
		return fail("respond.delivery", "only a rule that matches webhook deliveries (match.webhook) may change them")
	}
	if m.API != "" && m.API != APIAny && m.API != APICryptlex {
		return fail("match.webhook", "only the cryptlex API sends webhooks, not %s", m.API)
	}
	if m.Webhook != APIAny && !slices.Contains(cryptlex.Events(), m.Webhook) {
		return fail("match.webhook", "unknown event %q (want %s or any)", m.Webhook, strings.Join(cryptlex.Events(), ", "))
	}
	type check struct {
		field string
		set   bool
	}
	for _, c := range []check{{"match.operation", m.Operation != ""}, {"match.method", m.Method != ""}, {"match.path", m.Path != ""}} {
		if c.set {
			return fail(c.field, "a rule that matches webhook deliveries matches no request: leave it out")
		}
	}
	for _, c := range []check{{"respond.status", resp.Status != 0}, {"respond.headers", len(resp.Headers) > 0},
		{"respond.body", resp.Body != nil}, {"respond.fault", resp.Fault != ""}} {
		if c.set {
			return fail(c.field, "a webhook delivery is changed with delivery and delay only")
		}
	}
	switch resp.Delivery {
	case "", DeliveryDuplicate, DeliveryDrop, DeliveryBadSignature, DeliveryReorder:
	default:
		return fail("respond.delivery", "unknown delivery fault %q (want duplicate, drop, bad-signature or reorder)", resp.Delivery)
	}
	if resp.Delivery == "" && resp.Delay == 0 {
		return fail("respond", "needs a delivery fault or a delay")
	}
	if resp.Delay < 0 || resp.Delay > MaxDelay {
		return fail("respond.delay", "must be between 0 and %s, got %s", MaxDelay, resp.Delay)
	}
	return nil
}
