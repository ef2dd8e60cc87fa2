package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/webhook"
)

// clock is a settable fake clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func wait(t *testing.T, d *webhook.Dispatcher) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := d.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestTimeoutIsRetried: an attempt that outlasts the timeout fails and is
// tried again when due.
func TestTimeoutIsRetried(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var mu sync.Mutex
	calls := 0
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			select { // hang until the client gives up
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer rc.Close()
	defer close(release)
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	d := webhook.New(webhook.Config{Now: c.Now, Timeout: 100 * time.Millisecond})
	defer d.Close()
	d.Send([]webhook.Target{{ID: "w", URL: rc.URL, Token: "k"}}, "e", webhook.NewPayload(struct{}{}))
	wait(t, d)
	c.advance(webhook.RetryInterval)
	d.ClockMoved()
	wait(t, d)
	got := d.Attempts()
	if len(got) != 2 || got[0].OK() || !strings.Contains(got[0].Error, "Timeout") || !got[1].OK() || got[1].Attempt != 2 {
		t.Errorf("attempts = %+v, want a timeout then a success", got)
	}
}

func TestQueueLimit(t *testing.T) {
	t.Parallel()
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer rc.Close()
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	d := webhook.New(webhook.Config{Now: c.Now, QueueLimit: 2})
	defer d.Close()
	for range 3 {
		d.Send([]webhook.Target{{ID: "w", URL: rc.URL, Token: "k"}}, "e", webhook.NewPayload(struct{}{}))
	}
	wait(t, d)
	var notSent []string
	for _, a := range d.Attempts() {
		if a.Attempt == 0 {
			notSent = append(notSent, a.Error)
		}
	}
	if len(notSent) != 1 || notSent[0] != "not sent: 2 deliveries already wait for this webhook" {
		t.Errorf("not sent = %q", notSent)
	}
}

func TestLogLimit(t *testing.T) {
	t.Parallel()
	rc := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer rc.Close()
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	d := webhook.New(webhook.Config{Now: c.Now, LogLimit: 3})
	defer d.Close()
	for n := range 8 {
		d.Send([]webhook.Target{{ID: "w", URL: rc.URL, Token: "k"}}, "e", webhook.NewPayload(struct{}{}))
		wait(t, d)
		got := d.Attempts()
		if len(got) != min(n+1, 3) || got[len(got)-1].Delivery != uint64(n) || got[0].Delivery != uint64(max(n-2, 0)) {
			t.Errorf("after %d deliveries, log = %+v, want the newest 3", n+1, got)
		}
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	// The widely published HMAC-SHA256 example: key "key", message "The quick brown fox jumps over the lazy dog".
	got := webhook.Sign([]byte("The quick brown fox jumps over the lazy dog"), "key")
	if want := "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="; got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}
