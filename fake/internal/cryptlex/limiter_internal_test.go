package cryptlex

import (
	"strconv"
	"testing"
	"time"
)

func TestLimiterDropsExpiredWindows(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now })
	for i := range 1000 {
		l.take("192.0.2." + strconv.Itoa(i))
	}
	if n := l.size(); n != 1000 {
		t.Fatalf("%d windows, want 1000", n)
	}
	now = now.Add(RateLimitWindow)
	if s := l.take("198.51.100.1"); !s.allowed || s.remaining != RateLimit-1 {
		t.Errorf("state = %+v", s)
	}
	if n := l.size(); n != 1 {
		t.Errorf("%d windows after the others expired, want 1", n)
	}
}
