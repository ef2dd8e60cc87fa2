package cryptlex_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// benchAPI is an API with its router, for benchmarks.
type benchAPI struct {
	api *cryptlex.API
	r   http.Handler
}

func newBenchAPI(b *testing.B, signed bool) benchAPI {
	b.Helper()
	a := newAPI(b, testNow, cryptlex.Options{NoRateLimit: true})
	b.Cleanup(a.Deliveries().Close)
	if !signed {
		cryptlex.SetSign(a, func(*cryptlex.Claims) (string, error) { return "unsigned", nil })
	}
	return benchAPI{api: a, r: api.Serve(a)}
}

// serve sends a request to the API's handler and checks its status.
func (a benchAPI) serve(b *testing.B, method, path, body string, want int) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	a.r.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: status %d: %s", method, path, rec.Code, rec.Body)
	}
}

// benchmarkCreateWithWebhooks measures what a PAT create costs its caller
// with 10 webhooks subscribed to the event, against a create with none,
// side by side: each iteration times one create on each of two APIs (in
// turn first), then (untimed) waits for the 10 deliveries to a loopback
// receiver, so that they do not run during the next timed calls. It reports
// the median time of each kind of create and their ratio: medians, because
// on a shared machine a few calls are descheduled for far longer than a
// create takes.
func benchmarkCreateWithWebhooks(b *testing.B, signed bool) {
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer rc.Close()
	none, ten := newBenchAPI(b, signed), newBenchAPI(b, signed)
	for i := range 10 {
		ten.serve(b, "POST", cryptlex.WebhooksPath, `{"name":"w`+strconv.Itoa(i)+`","url":"`+rc.URL+`","token":"k","events":["personalAccessToken.created"]}`, http.StatusCreated)
	}
	ctx := context.Background()
	var without, with []time.Duration
	timed := func(a benchAPI, body string) time.Duration {
		start := time.Now()
		a.serve(b, "POST", cryptlex.PathPrefix, body, http.StatusCreated)
		return time.Since(start)
	}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		body := `{"name":"bench ` + strconv.Itoa(n) + `","scopes":["license:read"]}`
		if n%2 == 0 {
			without = append(without, timed(none, body))
			with = append(with, timed(ten, body))
		} else {
			with = append(with, timed(ten, body))
			without = append(without, timed(none, body))
		}
		n++
		if err := ten.api.Deliveries().Wait(ctx); err != nil {
			b.Fatal(err)
		}
	}
	m0, m10 := median(without), median(with)
	b.ReportMetric(float64(m0.Nanoseconds()), "ns/create-0-webhooks")
	b.ReportMetric(float64(m10.Nanoseconds()), "ns/create-10-webhooks")
	b.ReportMetric(float64(m10)/float64(m0), "ratio")
	if got := len(ten.api.Deliveries().Attempts()); got < min(n*10, 1000) {
		b.Fatalf("%d deliveries logged for %d creates", got, n)
	}
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkCreateWithWebhooks is the cost of 10 subscribed webhooks to the
// caller of a PAT create, token signature included (as served).
func BenchmarkCreateWithWebhooks(b *testing.B) { benchmarkCreateWithWebhooks(b, true) }

// BenchmarkCreateWithWebhooksUnsigned is the same without the RSA
// signature, the larger part of a create: the webhooks' share shows more.
func BenchmarkCreateWithWebhooksUnsigned(b *testing.B) { benchmarkCreateWithWebhooks(b, false) }
