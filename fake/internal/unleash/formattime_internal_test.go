package unleash

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestFormatTimeIsTheLayout(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	times := []time.Time{
		{},
		time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		time.Date(2099, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("x", 5*3600+1800)),
	}
	for range 1000 {
		times = append(times, time.Unix(r.Int64N(1<<36)-1<<35, r.Int64N(1e9)).In(time.FixedZone("y", r.IntN(86400)-43200)))
	}
	for _, tm := range times {
		if got, want := formatTime(tm), tm.UTC().Format(timeLayout); got != want {
			t.Errorf("formatTime(%v) = %q, want %q", tm, got, want)
		}
	}
}
