package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/webhook"
)

// benchBody is about the size of a personalAccessToken.created event.
var benchBody = []byte(`{"data":"` + strings.Repeat("0123456789abcdef", 100) + `"}`)

// BenchmarkDeliver1000 is the wall time of 1,000 deliveries to a loopback
// receiver, from the first Send until Wait returns: to one webhook (one at
// a time, in order) and spread over 10 webhooks; the baseline is 1,000
// POSTs of the same body by one plain client, one after the other.
func BenchmarkDeliver1000(b *testing.B) {
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rc.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b.Run("baseline-plain-client", func(b *testing.B) {
		client := &http.Client{}
		for b.Loop() {
			for range 1000 {
				res, err := client.Post(rc.URL, "application/json", bytes.NewReader(benchBody))
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
	})
	for _, hooks := range []int{1, 10} {
		b.Run(strconv.Itoa(hooks)+"-webhooks", func(b *testing.B) {
			d := webhook.New(webhook.Config{Now: func() time.Time { return now }, LogLimit: 1000})
			payload := webhook.NewPayload(json.RawMessage(benchBody))
			defer d.Close()
			for b.Loop() {
				for i := range 1000 {
					d.Send([]webhook.Target{{ID: strconv.Itoa(i % hooks), URL: rc.URL, Token: "k"}}, "e", payload)
				}
				if err := d.Wait(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			for _, a := range d.Attempts() {
				if !a.OK() {
					b.Fatalf("attempt failed: %+v", a)
				}
			}
		})
	}
}
