package fake_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// ExampleServer_WaitDeliveries subscribes a receiver to Cryptlex's
// personalAccessToken.created event, creates a token, and checks the
// delivery's signature as a receiver would; then it drives a retry with
// the clock.
func ExampleServer_WaitDeliveries() {
	const secret = "receiver-secret"
	answer := http.StatusInternalServerError // fail the first try
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(body)
		valid := hmac.Equal([]byte(r.Header.Get("Webhook-Signature")), []byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))))
		var event struct{ Event string }
		_ = json.Unmarshal(body, &event)
		fmt.Println("received", event.Event, "signature valid:", valid)
		w.WriteHeader(answer)
		answer = http.StatusOK
	}))
	defer receiver.Close()

	srv, err := fake.NewServer(fake.WithTime(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	send := func(path, body string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
	}
	send("/v3/webhooks", `{"name":"audit","url":"`+receiver.URL+`","token":"`+secret+`","events":["personalAccessToken.created"]}`)
	send("/v3/personal-access-tokens", `{"name":"ci","scopes":["license:read"]}`)

	ctx := context.Background()
	_ = srv.WaitDeliveries(ctx) // the first try, answered 500
	srv.Clock().Advance(fake.WebhookRetryInterval)
	_ = srv.WaitDeliveries(ctx) // the retry, now due
	for _, d := range srv.Deliveries() {
		fmt.Println(d.Event, "attempt", d.Attempt, "at", d.Time.Format(time.TimeOnly), "status", d.Status)
	}
	// Output:
	// received personalAccessToken.created signature valid: true
	// received personalAccessToken.created signature valid: true
	// personalAccessToken.created attempt 1 at 12:00:00 status 500
	// personalAccessToken.created attempt 2 at 12:05:00 status 200
}
