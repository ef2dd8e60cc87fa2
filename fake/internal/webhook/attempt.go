package webhook

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"
)

// Attempt is one try of a delivery, or a delivery that was not sent, as the
// log keeps it.
type Attempt struct {
	// Delivery numbers the delivery; its attempts share the number.
	Delivery uint64 `json:"delivery"`
	Webhook  string `json:"webhook"`
	Event    string `json:"event"`
	URL      string `json:"url"`
	// Attempt is 1 for the first try, up to 1+MaxRetries; 0 for a
	// delivery that was not sent.
	Attempt int `json:"attempt"`
	// Time is when the attempt was made, on the fake's clock.
	Time time.Time `json:"time"`
	// Status is the receiver's HTTP status, 0 if there was none.
	Status int `json:"status,omitempty"`
	// Error says why the attempt failed or the delivery was not sent; ""
	// for a 2xx answer.
	Error string `json:"error,omitempty"`
	// Rule and Fault are the scripted rule that changed the delivery, if
	// any.
	Rule  string `json:"rule,omitempty"`
	Fault Fault  `json:"fault,omitempty"`
	// Duration is the real time the attempt took.
	Duration time.Duration `json:"duration"`
}

// attempt POSTs it once, as sc asks.
func (d *Dispatcher) attempt(it *item, sc Script) Attempt {
	start := time.Now()
	a := Attempt{Time: d.cfg.Now(), Attempt: it.attempts, Rule: sc.Rule, Fault: sc.Fault}
	defer func() {
		a.Duration = time.Since(start)
		d.cfg.Logger.Debug("webhook delivery", "webhook", it.target.ID, "event", it.event, "url", it.target.URL,
			"attempt", a.Attempt, "status", a.Status, "error", a.Error)
	}()
	if err := d.cfg.Allow.CheckURL(it.target.URL); err != nil {
		a.Error = err.Error()
		return a
	}
	body, err := it.payload.Bytes()
	if err != nil {
		a.Error = err.Error()
		return a
	}
	sig := Sign(body, it.target.Token)
	if sc.Fault == FaultBadSignature {
		sig = Sign(body, "\x00"+it.target.Token)
	}
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, it.target.URL, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, sig)
	res, err := d.httpClient().Do(req)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxResponseBytes))
	_ = res.Body.Close()
	a.Status = res.StatusCode
	if !a.OK() {
		a.Error = fmt.Sprintf("the receiver answered %d, not 2xx", res.StatusCode)
	}
	return a
}

// record logs a of it; d.mu is held.
func (d *Dispatcher) record(it *item, a Attempt) {
	a.Delivery, a.Webhook, a.Event, a.URL = it.seq, it.target.ID, it.event, it.target.URL
	if a.Rule == "" && it.script.Rule != "" && a.Attempt <= 1 {
		a.Rule, a.Fault = it.script.Rule, it.script.Fault
	}
	// The log grows to twice its limit before the oldest half goes, so
	// that trimming it costs O(1) per entry.
	if len(d.log) >= 2*d.cfg.LogLimit {
		d.log = append(d.log[:0], d.log[len(d.log)-d.cfg.LogLimit+1:]...)
	}
	d.log = append(d.log, a)
}

// Attempts returns the log: the attempts made and the deliveries not sent,
// oldest first.
func (d *Dispatcher) Attempts() []Attempt {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.log[max(len(d.log)-d.cfg.LogLimit, 0):])
}

// OK reports whether the receiver answered the attempt with a 2xx status.
func (a *Attempt) OK() bool { return a.Status >= 200 && a.Status < 300 && a.Error == "" }

// httpClient returns the client that sends the deliveries, made on first
// use: most servers never deliver a webhook.
func (d *Dispatcher) httpClient() *http.Client {
	d.clientMu.Lock()
	defer d.clientMu.Unlock()
	if d.client == nil {
		d.client = &http.Client{
			Transport: &http.Transport{
				DialContext:         (&net.Dialer{Timeout: d.cfg.Timeout}).DialContext,
				MaxIdleConnsPerHost: 16,
				IdleConnTimeout:     30 * time.Second,
			},
			// A redirect is an answer that is not 2xx: a failure.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Timeout:       d.cfg.Timeout,
		}
	}
	return d.client
}
