package fakecontainer_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/tokenfake/tokenfake/fake/fakecontainer"
	"github.com/tokenfake/tokenfake/fixtures"
)

// TestWebhookDelivered: a container on the host's network delivers a
// webhook event to a receiver on the host's loopback.
func TestWebhookDelivered(t *testing.T) {
	t.Parallel()
	img := image(t)
	var mu sync.Mutex
	var got []string
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b))
		mu.Unlock()
	}))
	defer rc.Close()

	// On the host's network the server shares the host's ports: it listens
	// on a free loopback port instead of 8080.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx := t.Context()
	ctr, err := fakecontainer.Run(ctx, img, fakecontainer.WithoutCryptlexRateLimit(),
		testcontainers.WithEnv(map[string]string{"FAKESERVER_ADDR": "127.0.0.1:" + strconv.Itoa(port)}),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) { hc.NetworkMode = "host" }),
		testcontainers.WithWaitStrategy(wait.ForHTTP(fakecontainer.HealthPath).WithPort(strconv.Itoa(port)+"/tcp").
			WithPollInterval(50*time.Millisecond).WithStartupTimeout(30*time.Second)))
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	url, err := ctr.URL(ctx)
	if err != nil || url != "http://127.0.0.1:"+strconv.Itoa(port) {
		t.Fatalf("URL = %q, %v; want the port of FAKESERVER_ADDR on loopback", url, err)
	}
	auth := "Bearer " + fixtures.CryptlexToken
	if status, body := call(t, "POST", url+"/v3/webhooks", auth,
		`{"name":"r","url":"`+rc.URL+`","token":"k","events":["personalAccessToken.created"]}`); status != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", status, body)
	}
	if status, body := call(t, "POST", url+cryptlexTokens, auth, `{"name":"ci","scopes":["license:read"]}`); status != http.StatusCreated {
		t.Fatalf("create token: %d %s", status, body)
	}
	ds, err := ctr.WaitDeliveries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Event != "personalAccessToken.created" || !ds[0].OK() || ds[0].URL != rc.URL {
		t.Errorf("deliveries = %+v, want one delivered", ds)
	}
	if again, err := ctr.Deliveries(ctx); err != nil || len(again) != 1 {
		t.Errorf("Deliveries = %+v, %v", again, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	var ev struct{ Event string }
	decode(t, got[0], &ev)
	if ev.Event != "personalAccessToken.created" {
		t.Errorf("delivery %s", got[0])
	}
}
