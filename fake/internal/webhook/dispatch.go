package webhook

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// item is a delivery waiting in a queue.
type item struct {
	seq      uint64
	target   Target
	event    string
	payload  *Payload
	attempts int       // tries made
	due      time.Time // when the next try is due
	script   Script
}

// queue is the pending deliveries of one webhook.
type queue struct {
	items    []*item
	held     *item         // reordered: goes after the next item
	running  bool          // a worker serves the queue
	inFlight *item         // the delivery its worker is sending (or delaying)
	failures int           // failed attempts in a row
	dropped  chan struct{} // closed when the queue is dropped: ends a scripted delay
}

func newQueue() *queue { return &queue{dropped: make(chan struct{})} }

// drop removes the queue of id from d; d.mu is held.
func (d *Dispatcher) drop(id string, q *queue) {
	delete(d.queues, id)
	close(q.dropped)
}

// Dispatcher delivers events to webhooks: per webhook one at a time, in
// order, retried on the fake's clock. Its methods are safe for concurrent
// use; Send never blocks on the network.
type Dispatcher struct {
	cfg Config

	clientMu sync.Mutex
	client   *http.Client    // made by the first delivery (httpClient)
	ctx      context.Context // cancelled by Close
	cancel   context.CancelFunc

	mu       sync.Mutex
	queues   map[string]*queue
	log      []Attempt
	nextSeq  uint64
	running  int           // workers at work
	starting []worker      // workers to start (see launch)
	idle     chan struct{} // closed when running drops to 0
	timer    *time.Timer   // wakes the Dispatcher when the next retry is due
	gen      uint64        // counts Resets: attempts of an older generation are not logged
	closed   bool
}

// New returns a Dispatcher; Close stops it.
func New(cfg Config) *Dispatcher {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.QueueLimit <= 0 {
		cfg.QueueLimit = DefaultQueueLimit
	}
	if cfg.LogLimit <= 0 {
		cfg.LogLimit = DefaultLogLimit
	}
	if cfg.Allow == nil {
		cfg.Allow, _ = NewAllowlist()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{
		cfg:    cfg,
		ctx:    ctx,
		cancel: cancel,
		queues: map[string]*queue{},
		idle:   make(chan struct{}),
	}
	return d
}

// Send queues a delivery of p, the body of event, to each of targets, in
// that order. It returns at once; each delivery goes out in the background
// after those queued before it for the same target ID.
func (d *Dispatcher) Send(targets []Target, event string, p *Payload) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	now := d.cfg.Now()
	for _, t := range targets {
		d.enqueue(t, event, p, now)
	}
	d.launch()
}

// enqueue queues a delivery of p to t; d.mu is held.
func (d *Dispatcher) enqueue(t Target, event string, p *Payload, now time.Time) {
	var sc Script
	if d.cfg.Pick != nil {
		sc = d.cfg.Pick(event)
	}
	it := &item{seq: d.nextSeq, target: t, event: event, payload: p, due: now, script: sc}
	d.nextSeq++
	if sc.Fault == FaultDrop {
		d.record(it, Attempt{Time: now, Error: "not sent: dropped by a scripted rule"})
		return
	}
	q := d.queues[t.ID]
	if q == nil {
		q = newQueue()
		d.queues[t.ID] = q
	}
	pending := len(q.items)
	if q.held != nil {
		pending++
	}
	if pending >= d.cfg.QueueLimit {
		d.record(it, Attempt{Time: now, Error: fmt.Sprintf("not sent: %d deliveries already wait for this webhook", pending)})
		return
	}
	if sc.Fault == FaultReorder && q.held == nil {
		q.held = it
		return
	}
	q.items = append(q.items, it)
	if q.held != nil {
		q.items = append(q.items, q.held)
		q.held = nil
	}
	d.start(t.ID, q, now)
}

// Cancel drops the pending deliveries of the webhook id (deleted or
// switched off) and forgets its failures. An attempt already under way
// finishes, and is logged.
func (d *Dispatcher) Cancel(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q := d.queues[id]
	if q == nil {
		return
	}
	d.dropPending(q, "not sent: the webhook was deleted or switched off")
	d.drop(id, q)
}

// dropPending logs the deliveries of q that will not be sent and empties
// q; the one in flight is logged by its worker. d.mu is held.
func (d *Dispatcher) dropPending(q *queue, why string) {
	now := d.cfg.Now()
	for _, it := range append(q.items, q.held) {
		if it == nil || it == q.inFlight {
			continue
		}
		d.record(it, Attempt{Time: now, Error: why})
	}
	q.items, q.held = nil, nil
}

// ClockMoved sends the deliveries that have become due. The fake calls it
// whenever its clock is set or advanced.
func (d *Dispatcher) ClockMoved() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.kick()
}

// kick starts a worker on every queue whose head is due, and arms the
// timer for the next one; d.mu is held.
func (d *Dispatcher) kick() {
	if d.closed {
		return
	}
	now := d.cfg.Now()
	for id, q := range d.queues {
		d.start(id, q, now)
	}
	d.launch()
	d.arm(now)
}

// start starts a worker on q if its head is due and none is at work; d.mu
// is held.
func (d *Dispatcher) start(id string, q *queue, now time.Time) {
	if q.running || len(q.items) == 0 || q.items[0].due.After(now) {
		return
	}
	q.running = true
	d.running++
	d.starting = append(d.starting, worker{id, q})
}

// worker is a queue to start a worker on.
type worker struct {
	id string
	q  *queue
}

// launch starts the workers that start asked for; d.mu is held. Several
// are started by one goroutine, so that Send costs its caller one goroutine
// start at most.
func (d *Dispatcher) launch() {
	switch ws := d.starting; len(ws) {
	case 0:
	case 1:
		go d.work(ws[0].id, ws[0].q)
	default:
		go func() {
			for _, w := range ws {
				go d.work(w.id, w.q)
			}
		}()
	}
	d.starting = nil
}

// arm sets the timer to the next retry, so that retries go out when the
// fake's clock follows the wall clock; d.mu is held.
func (d *Dispatcher) arm(now time.Time) {
	var next time.Time
	for _, q := range d.queues {
		if !q.running && len(q.items) > 0 && (next.IsZero() || q.items[0].due.Before(next)) {
			next = q.items[0].due
		}
	}
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if !next.IsZero() {
		d.timer = time.AfterFunc(max(next.Sub(now), time.Millisecond), d.ClockMoved)
	}
}

// work delivers the due deliveries of q, one at a time.
func (d *Dispatcher) work(id string, q *queue) {
	for {
		d.mu.Lock()
		now := d.cfg.Now()
		if d.closed || d.queues[id] != q || len(q.items) == 0 || q.items[0].due.After(now) {
			q.running = false
			d.running--
			if d.running == 0 {
				close(d.idle)
				d.idle = make(chan struct{})
			}
			d.arm(now)
			d.mu.Unlock()
			return
		}
		it := q.items[0]
		it.attempts++
		first := it.attempts == 1
		gen := d.gen
		q.inFlight = it
		d.mu.Unlock()

		var sc Script
		if first {
			sc = it.script
			if sc.Delay > 0 {
				t := time.NewTimer(sc.Delay)
				select {
				case <-t.C:
				case <-d.ctx.Done():
					t.Stop()
				case <-q.dropped:
					t.Stop()
				}
			}
		}
		select {
		case <-q.dropped:
			// Reset (forgotten) or cancelled (logged) during the delay:
			// send nothing.
			d.mu.Lock()
			q.inFlight = nil
			if gen == d.gen {
				d.record(it, Attempt{Time: d.cfg.Now(), Error: "not sent: the webhook was deleted or switched off"})
			}
			d.mu.Unlock()
			continue
		default:
		}
		results := []Attempt{d.attempt(it, sc)}
		if sc.Fault == FaultDuplicate {
			results = append(results, d.attempt(it, sc))
		}

		d.mu.Lock()
		q.inFlight = nil
		if d.queues[id] != q {
			// Cancelled (logged) or reset (forgotten) meanwhile: change
			// nothing else.
			if gen == d.gen {
				for _, a := range results {
					d.record(it, a)
				}
			}
			d.mu.Unlock()
			continue
		}
		for _, a := range results {
			d.record(it, a)
		}
		disabled := false
		if results[0].OK() {
			q.failures = 0
			q.items = q.items[1:]
		} else {
			q.failures++
			if it.attempts > MaxRetries {
				q.items = q.items[1:]
			} else {
				it.due = d.cfg.Now().Add(RetryInterval)
			}
			if q.failures >= MaxFailures {
				if len(q.items) > 0 && q.items[0] == it {
					q.items = q.items[1:] // no more tries for it
				}
				d.dropPending(q, fmt.Sprintf("not sent: the webhook was switched off after %d failed attempts in a row", MaxFailures))
				d.drop(id, q)
				disabled = true
			}
		}
		d.mu.Unlock()
		if disabled && d.cfg.Disabled != nil {
			d.cfg.Disabled(id)
		}
	}
}

// Wait returns when every delivery that is due has been attempted (a
// delivery held back by FaultReorder is released first), or with ctx's
// error when ctx ends first. Retries that are not yet due by the fake's
// clock are not waited for.
func (d *Dispatcher) Wait(ctx context.Context) error {
	d.mu.Lock()
	if !d.closed {
		for _, q := range d.queues {
			if q.held != nil {
				q.items = append(q.items, q.held)
				q.held = nil
			}
		}
		d.kick() // starts the released ones too
	}
	for d.running > 0 {
		idle := d.idle
		d.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return fmt.Errorf("wait for webhook deliveries: %w", ctx.Err())
		}
		d.mu.Lock()
	}
	d.mu.Unlock()
	return nil
}

// Reset drops every pending delivery, the failure counts and the log.
// Attempts under way finish in the background and are not logged.
func (d *Dispatcher) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, q := range d.queues {
		d.drop(id, q)
	}
	d.log = nil
	d.nextSeq = 0
	d.gen++
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}

// Close stops the Dispatcher: attempts under way are cut short and nothing
// more is sent.
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	if d.timer != nil {
		d.timer.Stop()
	}
	d.mu.Unlock()
	d.cancel()
	d.clientMu.Lock()
	if d.client != nil {
		d.client.CloseIdleConnections()
	}
	d.clientMu.Unlock()
}
