package cryptlex

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Cryptlex's documented rate limit: a client address may make a burst of
// RateLimit requests per RateLimitWindow, whatever the authentication.
const (
	RateLimit       = 50
	RateLimitWindow = 5 * time.Second
)

// rateLimitPeriod is RateLimitWindow as the X-Rate-Limit-Limit header
// spells it.
const rateLimitPeriod = "5s"

// limiter counts requests per client address in fixed windows that start
// with a client's first request, as Cryptlex's rate limiter does. Expired
// windows are dropped, so its memory is bounded by the number of addresses
// seen in the last window.
type limiter struct {
	now func() time.Time

	mu        sync.Mutex
	windows   map[string]rateWindow
	lastSweep time.Time
}

type rateWindow struct {
	start time.Time
	count int
}

// rateState is what the X-Rate-Limit-* headers report about a client.
type rateState struct {
	remaining int
	reset     time.Time // when the client's window ends
	allowed   bool      // false: the request is over the limit
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, windows: make(map[string]rateWindow)}
}

func (w rateWindow) expired(now time.Time) bool {
	return !now.Before(w.start.Add(RateLimitWindow))
}

// take counts one request of client and reports its state afterwards.
func (l *limiter) take(client string) rateState {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	w, ok := l.windows[client]
	if !ok || w.expired(now) {
		w = rateWindow{start: now}
	}
	w.count++
	l.windows[client] = w
	return rateState{
		remaining: max(RateLimit-w.count, 0),
		reset:     w.start.Add(RateLimitWindow),
		allowed:   w.count <= RateLimit,
	}
}

// peek reports client's state without counting a request.
func (l *limiter) peek(client string) rateState {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.windows[client]
	if !ok || w.expired(now) {
		return rateState{remaining: RateLimit, reset: now.Add(RateLimitWindow), allowed: true}
	}
	return rateState{
		remaining: max(RateLimit-w.count, 0),
		reset:     w.start.Add(RateLimitWindow),
		allowed:   w.count < RateLimit,
	}
}

// reset forgets every window.
func (l *limiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.windows)
	l.lastSweep = time.Time{}
}

// size reports how many windows are held.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.windows)
}

// sweep drops expired windows, at most once per window length. l.mu is held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < RateLimitWindow && !now.Before(l.lastSweep) {
		return
	}
	l.lastSweep = now
	for k, w := range l.windows {
		if w.expired(now) {
			delete(l.windows, k)
		}
	}
}

// setRateHeaders writes the X-Rate-Limit-* headers of s, keeping any
// already set on h. The reset instant is written the way .NET's round-trip
// format does ("2026-11-22T17:30:05.0000000Z").
func setRateHeaders(h http.Header, s rateState) {
	setDefault(h, "X-Rate-Limit-Limit", rateLimitPeriod)
	setDefault(h, "X-Rate-Limit-Remaining", strconv.Itoa(s.remaining))
	setDefault(h, "X-Rate-Limit-Reset", s.reset.UTC().Format("2006-01-02T15:04:05.0000000Z"))
}

// retryAfter is the whole number of seconds until s's window ends, at least 1.
func retryAfter(s rateState, now time.Time) string {
	secs := math.Ceil(s.reset.Sub(now).Seconds())
	return strconv.Itoa(max(int(secs), 1))
}

func setDefault(h http.Header, key, value string) {
	if h.Get(key) == "" {
		h.Set(key, value)
	}
}
