package fake

import (
	"sync"
	"time"
)

// Clock is the fake's notion of the current time. Token expiry, Unleash's
// seenAt, Cryptlex's rate-limit windows and webhook retries all read it:
// moving the clock sends the webhook retries that become due.
//
// A Clock follows the wall clock until Set is called; from then on it stands
// still at the time set and moves only when Advance is called. Advance on a
// running clock shifts it by the given duration and keeps it running. All
// methods are safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	frozen bool
	at     time.Time     // the time when frozen
	offset time.Duration // added to the wall clock when running
	start  time.Time     // restored by Reset: stopped there, or running when zero
	moved  func()        // if set, called after every Set, Advance and Reset
}

func newClock(start time.Time) *Clock {
	c := &Clock{start: start}
	c.Reset()
	return c
}

// Now returns the fake's current time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now().Add(c.offset).UTC()
}

// Set stops the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.frozen, c.at = true, t.UTC()
	c.mu.Unlock()
	c.notify()
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	if c.frozen {
		c.at = c.at.Add(d)
	} else {
		c.offset += d
	}
	c.mu.Unlock()
	c.notify()
}

// Reset puts the clock back the way the server started: following the wall
// clock, or stopped at the time given by WithTime.
func (c *Clock) Reset() {
	c.mu.Lock()
	c.frozen, c.at, c.offset = !c.start.IsZero(), c.start.UTC(), 0
	c.mu.Unlock()
	c.notify()
}

// notify tells the server that the clock moved, so that webhook retries
// that became due go out.
func (c *Clock) notify() {
	if c.moved != nil {
		c.moved()
	}
}
