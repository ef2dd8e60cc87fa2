package webhook

import (
	"log/slog"
	"time"
)

// Delivery rules and limits.
const (
	// MaxRetries is how many times a failed delivery is tried again.
	MaxRetries = 5
	// RetryInterval is the time, on the fake's clock, between two tries of
	// a delivery.
	RetryInterval = 300 * time.Second
	// MaxFailures is how many failed attempts in a row switch a webhook off.
	MaxFailures = 50
	// DefaultTimeout is the real time an attempt may take, connection
	// included, before it counts as failed.
	DefaultTimeout = 10 * time.Second
	// DefaultQueueLimit is how many deliveries may wait for one webhook;
	// an event past it is not sent (the log says so).
	DefaultQueueLimit = 1000
	// DefaultLogLimit is how many attempts the log keeps (the newest).
	DefaultLogLimit = 1000
	// SignatureHeader carries the signature of a delivery's body.
	SignatureHeader = "Webhook-Signature"
	// maxResponseBytes is how much of a receiver's answer is read.
	maxResponseBytes = 64 << 10
)

// Target is where a delivery goes.
type Target struct {
	// ID names the webhook: deliveries to one ID go out one at a time, in
	// the order they were sent.
	ID string
	// URL receives the POST.
	URL string
	// Token is the signature key.
	Token string
}

// Fault is a scripted change to a delivery.
type Fault string

// The faults a script can ask for.
const (
	// FaultDuplicate sends the delivery twice in a row.
	FaultDuplicate Fault = "duplicate"
	// FaultDrop does not send the delivery at all.
	FaultDrop Fault = "drop"
	// FaultBadSignature sends a signature that does not match the body.
	FaultBadSignature Fault = "bad-signature"
	// FaultReorder holds the delivery back until the webhook's next
	// delivery has been queued, and sends it after that one.
	FaultReorder Fault = "reorder"
)

// Script is what a scripted rule does to one delivery; the zero Script
// changes nothing.
type Script struct {
	Rule  string        // the rule's name
	Fault Fault         // "" for none
	Delay time.Duration // real time to wait before the first attempt
}

// Config configures a Dispatcher.
type Config struct {
	// Now is the fake's clock; retries are due by it.
	Now func() time.Time
	// Allow are the hosts deliveries may go to; nil allows loopback only.
	Allow *Allowlist
	// Timeout bounds each attempt; 0 means DefaultTimeout.
	Timeout time.Duration
	// QueueLimit bounds the deliveries waiting per webhook; 0 means
	// DefaultQueueLimit.
	QueueLimit int
	// LogLimit bounds the attempts the log keeps; 0 means DefaultLogLimit.
	LogLimit int
	// Pick, if set, says what the script does to a delivery of event. It
	// is called once per delivery, in the order deliveries are sent.
	Pick func(event string) Script
	// Disabled, if set, is called when a webhook has failed MaxFailures
	// times in a row; its pending deliveries are then dropped. It is
	// called without the Dispatcher's lock held.
	Disabled func(id string)
	// Logger receives a line per attempt at debug level.
	Logger *slog.Logger
}
