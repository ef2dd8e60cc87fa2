package main_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tokenfake/tokenfake/fixtures"
)

// TestWebhookDelivered: the binary delivers a signed webhook event to a
// receiver on loopback.
func TestWebhookDelivered(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get("Webhook-Signature"))
		mu.Unlock()
	}))
	defer rc.Close()
	p := start(t, []string{"-addr", "127.0.0.1:0", "-no-rate-limit"}, nil)
	auth := []string{"Authorization", "Bearer " + fixtures.CryptlexToken}
	status, body := do(t, "POST", p.url+"/v3/webhooks", "application/json",
		`{"name":"r","url":"`+rc.URL+`","token":"k","events":["personalAccessToken.created"]}`, auth...)
	if status != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", status, body)
	}
	status, body = do(t, "POST", p.url+cryptlexTokens, "application/json", `{"name":"ci","scopes":["license:read"]}`, auth...)
	if status != http.StatusCreated {
		t.Fatalf("create token: %d %s", status, body)
	}
	status, body = do(t, "POST", p.url+"/_fake/webhooks/flush", "", "")
	if status != http.StatusOK {
		t.Fatalf("flush: %d %s", status, body)
	}
	var log struct {
		Deliveries []struct {
			Event  string
			Status int
		}
	}
	if err := json.Unmarshal([]byte(body), &log); err != nil || len(log.Deliveries) != 1 || log.Deliveries[0].Status != 200 {
		t.Errorf("flush answered %s (%v), want one delivery answered 200", body, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(bodies))
	}
	var ev struct {
		Event string
		Data  struct{ Name string }
	}
	if err := json.Unmarshal(bodies[0], &ev); err != nil || ev.Event != "personalAccessToken.created" || ev.Data.Name != "ci" {
		t.Errorf("delivery %s (%v)", bodies[0], err)
	}
	m := hmac.New(sha256.New, []byte("k"))
	m.Write(bodies[0])
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); sigs[0] != want {
		t.Errorf("signature %q, want %q", sigs[0], want)
	}
}

// TestWebhookHosts: the flag and the variable widen the hosts a webhook
// may name; without them only loopback is accepted.
func TestWebhookHosts(t *testing.T) {
	t.Parallel()
	auth := []string{"Authorization", "Bearer " + fixtures.CryptlexToken}
	const body = `{"name":"r","url":"https://hooks.example.com/cryptlex","token":"k","events":["personalAccessToken.created"]}`
	for _, tt := range []struct {
		args, env []string
		want      int
	}{
		{nil, nil, http.StatusBadRequest},
		{[]string{"-webhook-hosts", "hooks.example.com"}, nil, http.StatusCreated},
		{nil, []string{"FAKESERVER_WEBHOOK_HOSTS=other.example.com,hooks.example.com"}, http.StatusCreated},
	} {
		p := start(t, append([]string{"-addr", "127.0.0.1:0"}, tt.args...), tt.env)
		status, got := do(t, "POST", p.url+"/v3/webhooks", "application/json", body, auth...)
		if status != tt.want {
			t.Errorf("%v %v: %d %s, want %d", tt.args, tt.env, status, got, tt.want)
		}
		if status == http.StatusBadRequest && !strings.Contains(got, "-webhook-hosts or FAKESERVER_WEBHOOK_HOSTS") {
			t.Errorf("refusal %s does not say how to allow the host", got)
		}
	}
	code, _, stderr := run(t, []string{"-addr", "127.0.0.1:0", "-webhook-hosts", "10.0.0.0/99"}, nil)
	if code == 0 || !strings.Contains(stderr, `webhook host "10.0.0.0/99"`) {
		t.Errorf("bad host list: exit %d, stderr %q", code, stderr)
	}
}
