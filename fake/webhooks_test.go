package fake_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// hookNow is the instant the webhook tests' clocks start at.
var hookNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// received is a request a receiver got.
type received struct {
	header http.Header
	body   []byte
	at     time.Time // real time
}

// event decodes the body of r.
func (r received) event(t *testing.T) map[string]any {
	t.Helper()
	var ev map[string]any
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatalf("delivery body %q: %v", r.body, err)
	}
	return ev
}

// receiver is a webhook receiver on loopback that records what it gets and
// answers with the status its answer function returns (200 by default).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int // n counts the requests, from 1
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{answer: func(int) int { return http.StatusOK }}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body, at: time.Now()})
		status := rc.answer(len(rc.got))
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// setAnswer changes how the receiver answers.
func (rc *receiver) setAnswer(f func(n int) int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.answer = f
}

// requests returns what the receiver got so far.
func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

// events returns the event names the receiver got, in order.
func (rc *receiver) events(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, r := range rc.requests() {
		out = append(out, r.event(t)["event"].(string))
	}
	return out
}

// startHooked returns a server with its clock stopped at hookNow, seed 7
// and the rate limit off.
func startHooked(t *testing.T, opts ...fake.Option) *fake.Server {
	t.Helper()
	return fake.Start(t, append([]fake.Option{fake.WithTime(hookNow), fake.WithSeed(7), fake.WithoutCryptlexRateLimit()}, opts...)...)
}

// cryptlexCall sends a Cryptlex request with the fixtures' token with every
// scope, checks its status and returns its body.
func cryptlexCall(t *testing.T, srv *fake.Server, method, path, body string, want int) []byte {
	t.Helper()
	r := do(t, srv, nil, call{method: method, path: path, body: body,
		header: map[string]string{"Authorization": "Bearer " + fixtures.CryptlexToken, "Content-Type": "application/json"}})
	if r.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.status, want, r.body)
	}
	return r.body
}

// addWebhook creates a webhook for url with the token "s3cret" and returns
// its id.
func addWebhook(t *testing.T, srv *fake.Server, url string, events ...string) string {
	t.Helper()
	if len(events) == 0 {
		events = []string{"personalAccessToken.created", "personalAccessToken.updated", "personalAccessToken.deleted"}
	}
	ev, _ := json.Marshal(events)
	var h struct{ ID string }
	if err := json.Unmarshal(cryptlexCall(t, srv, "POST", "/v3/webhooks",
		`{"name":"receiver","url":"`+url+`","token":"s3cret","events":`+string(ev)+`}`, http.StatusCreated), &h); err != nil {
		t.Fatal(err)
	}
	return h.ID
}

// createPAT creates a personal access token named name and returns its id.
func createPAT(t *testing.T, srv *fake.Server, name string) string {
	t.Helper()
	cryptlexCall(t, srv, "POST", "/v3/personal-access-tokens", `{"name":"`+name+`","scopes":["license:read"]}`, http.StatusCreated)
	var list []struct{ ID, Name string }
	if err := json.Unmarshal(cryptlexCall(t, srv, "GET", "/v3/personal-access-tokens?limit=100&search="+name, "", http.StatusOK), &list); err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if p.Name == name {
			return p.ID
		}
	}
	t.Fatalf("token %q not in the list", name)
	return ""
}

// waitDeliveries waits for the due deliveries of srv.
func waitDeliveries(t *testing.T, srv *fake.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.WaitDeliveries(ctx); err != nil {
		t.Fatal(err)
	}
}

// verify checks a delivery's signature the way a receiver would.
func verify(body []byte, signature, token string) bool {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(want), []byte(signature))
}

// shapeDiff reports where got's keys differ from want's, recursively
// through objects and the first element of arrays; values that are null on
// either side are not compared further.
func shapeDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			if got == nil {
				return nil
			}
			return []string{fmt.Sprintf("%s: want an object, got %T", path, got)}
		}
		var out []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, path+"."+k+": missing")
				continue
			}
			out = append(out, shapeDiff(path+"."+k, wv, gv)...)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, path+"."+k+": not in Cryptlex's example")
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an array, got %T", path, got)}
		}
		if len(w) > 0 && len(g) > 0 {
			return shapeDiff(path+"[0]", w[0], g[0])
		}
	}
	return nil
}

func TestWebhookDeliveries(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	srv := startHooked(t)
	hookID := addWebhook(t, srv, rc.URL+"/cryptlex?x=1")

	// Created: one delivery, signed, with the shape of Cryptlex's example and the token as
	// GET answers it.
	id := createPAT(t, srv, "rotated-by-ci")
	waitDeliveries(t, srv)
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(got))
	}
	r := got[0]
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if !verify(r.body, r.header.Get("Webhook-Signature"), "s3cret") {
		t.Errorf("signature %q does not verify", r.header.Get("Webhook-Signature"))
	}
	ev := r.event(t)
	// Cryptlex's example of the callback, from its "Create a personal
	// access token" reference page.
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "cryptlex", "webhook-event.json"))
	if err != nil {
		t.Fatal(err)
	}
	var example any
	if err := json.Unmarshal(raw, &example); err != nil {
		t.Fatal(err)
	}
	if diff := shapeDiff("event", example, ev); len(diff) > 0 {
		t.Errorf("payload shape differs from Cryptlex's example:\n%s", strings.Join(diff, "\n"))
	}
	var asGot any
	if err := json.Unmarshal(cryptlexCall(t, srv, "GET", "/v3/personal-access-tokens/"+id, "", http.StatusOK), &asGot); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"event": "personalAccessToken.created", "data": asGot, "triggeredAt": "2026-03-01T12:00:00Z"}
	if diff := cmp.Diff(want, ev); diff != "" {
		t.Errorf("created event (-want +got):\n%s", diff)
	}

	// Updated, after a revocation; deleted, after a DELETE; in that order.
	srv.Clock().Advance(time.Minute)
	patched := cryptlexCall(t, srv, "PATCH", "/v3/personal-access-tokens/"+id, `{"revoked":true}`, http.StatusOK)
	// A PATCH that changes nothing is no event.
	cryptlexCall(t, srv, "PATCH", "/v3/personal-access-tokens/"+id, `{"revoked":true}`, http.StatusOK)
	srv.Clock().Advance(time.Minute)
	cryptlexCall(t, srv, "DELETE", "/v3/personal-access-tokens/"+id, "", http.StatusNoContent)
	waitDeliveries(t, srv)
	got = rc.requests()
	if diff := cmp.Diff([]string{"personalAccessToken.created", "personalAccessToken.updated", "personalAccessToken.deleted"}, rc.events(t)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	var patchedView any
	if err := json.Unmarshal(patched, &patchedView); err != nil {
		t.Fatal(err)
	}
	want = map[string]any{"event": "personalAccessToken.updated", "data": patchedView, "triggeredAt": "2026-03-01T12:01:00Z"}
	if diff := cmp.Diff(want, got[1].event(t)); diff != "" {
		t.Errorf("updated event (-want +got):\n%s", diff)
	}
	want = map[string]any{"event": "personalAccessToken.deleted", "data": patchedView, "triggeredAt": "2026-03-01T12:02:00Z"}
	if diff := cmp.Diff(want, got[2].event(t)); diff != "" {
		t.Errorf("deleted event (-want +got):\n%s", diff)
	}
	for i, r := range got {
		if !verify(r.body, r.header.Get("Webhook-Signature"), "s3cret") {
			t.Errorf("delivery %d: signature does not verify", i)
		}
	}

	// The log.
	var log []string
	for _, d := range srv.Deliveries() {
		if d.Webhook != hookID || d.URL != rc.URL+"/cryptlex?x=1" || d.Attempt != 1 || d.Status != 200 || d.Error != "" || !d.OK() {
			t.Errorf("delivery = %+v", d)
		}
		log = append(log, fmt.Sprintf("%d %s %s", d.ID, d.Event, d.Time.Format(time.TimeOnly)))
	}
	wantLog := []string{"0 personalAccessToken.created 12:00:00", "1 personalAccessToken.updated 12:01:00", "2 personalAccessToken.deleted 12:02:00"}
	if diff := cmp.Diff(wantLog, log); diff != "" {
		t.Errorf("Deliveries (-want +got):\n%s", diff)
	}
}

// TestWebhookSameBytes: the same seed, clock and requests give the same
// bytes and signature.
func TestWebhookSameBytes(t *testing.T) {
	t.Parallel()
	var bodies [2][]byte
	var sigs [2]string
	for i := range bodies {
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		createPAT(t, srv, "same")
		waitDeliveries(t, srv)
		got := rc.requests()
		if len(got) != 1 {
			t.Fatalf("receiver got %d requests", len(got))
		}
		bodies[i], sigs[i] = got[0].body, got[0].header.Get("Webhook-Signature")
	}
	if !bytes.Equal(bodies[0], bodies[1]) || sigs[0] != sigs[1] {
		t.Errorf("two runs differ:\n%s %s\n%s %s", bodies[0], sigs[0], bodies[1], sigs[1])
	}
}

func TestWebhookOnlySubscribedAndActive(t *testing.T) {
	t.Parallel()
	created, deleted, off := newReceiver(t), newReceiver(t), newReceiver(t)
	srv := startHooked(t)
	addWebhook(t, srv, created.URL, "personalAccessToken.created")
	addWebhook(t, srv, deleted.URL, "personalAccessToken.deleted")
	offID := addWebhook(t, srv, off.URL)
	cryptlexCall(t, srv, "PATCH", "/v3/webhooks/"+offID, `{"active":false}`, http.StatusOK)
	id := createPAT(t, srv, "x")
	cryptlexCall(t, srv, "DELETE", "/v3/personal-access-tokens/"+id, "", http.StatusNoContent)
	waitDeliveries(t, srv)
	if got := created.events(t); !slices.Equal(got, []string{"personalAccessToken.created"}) {
		t.Errorf("created-only webhook got %v", got)
	}
	if got := deleted.events(t); !slices.Equal(got, []string{"personalAccessToken.deleted"}) {
		t.Errorf("deleted-only webhook got %v", got)
	}
	if got := off.requests(); len(got) != 0 {
		t.Errorf("inactive webhook got %d requests", len(got))
	}
}

// attempts returns the attempt numbers of srv's deliveries with their status.
func attempts(srv *fake.Server) []string {
	var out []string
	for _, d := range srv.Deliveries() {
		out = append(out, fmt.Sprintf("%d:%d@%s", d.Attempt, d.Status, d.Time.Format(time.TimeOnly)))
	}
	return out
}

func TestWebhookRetriesOnTheClock(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.setAnswer(func(int) int { return http.StatusInternalServerError })
	srv := startHooked(t)
	addWebhook(t, srv, rc.URL)
	createPAT(t, srv, "x")
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("receiver got %d requests after the event, want 1", n)
	}
	// Nothing more until 300 s have passed on the fake's clock.
	srv.Clock().Advance(fake.WebhookRetryInterval - time.Second)
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("receiver got %d requests 299 s later, want 1", n)
	}
	for i := 2; i <= 1+fake.WebhookMaxRetries; i++ {
		if i == 2 {
			srv.Clock().Advance(time.Second)
		} else {
			srv.Clock().Advance(fake.WebhookRetryInterval)
		}
		waitDeliveries(t, srv)
		if n := len(rc.requests()); n != i {
			t.Fatalf("receiver got %d requests after retry %d, want %d", n, i-1, i)
		}
	}
	// Five retries, then no more.
	srv.Clock().Advance(10 * fake.WebhookRetryInterval)
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 6 {
		t.Errorf("receiver got %d requests in all, want 6", n)
	}
	want := []string{"1:500@12:00:00", "2:500@12:05:00", "3:500@12:10:00", "4:500@12:15:00", "5:500@12:20:00", "6:500@12:25:00"}
	if diff := cmp.Diff(want, attempts(srv)); diff != "" {
		t.Errorf("attempts (-want +got):\n%s", diff)
	}
	for _, d := range srv.Deliveries() {
		if d.OK() || d.Error != "the receiver answered 500, not 2xx" {
			t.Errorf("failed delivery = %+v", d)
		}
	}
	// Every retry carries the same bytes.
	got := rc.requests()
	for _, r := range got[1:] {
		if !bytes.Equal(r.body, got[0].body) || r.header.Get("Webhook-Signature") != got[0].header.Get("Webhook-Signature") {
			t.Errorf("a retry differs from the first try")
		}
	}
}

func TestWebhookRecovers(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.setAnswer(func(int) int { return http.StatusServiceUnavailable })
	srv := startHooked(t)
	addWebhook(t, srv, rc.URL)
	createPAT(t, srv, "first")
	createPAT(t, srv, "second") // waits behind the first: per webhook, in order
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 1 {
		t.Fatalf("receiver got %d requests, want 1 (the second event waits)", n)
	}
	rc.setAnswer(func(int) int { return http.StatusNoContent })
	srv.Clock().Advance(fake.WebhookRetryInterval)
	waitDeliveries(t, srv)
	var names []string
	for _, r := range rc.requests() {
		names = append(names, r.event(t)["data"].(map[string]any)["name"].(string))
	}
	if diff := cmp.Diff([]string{"first", "first", "second"}, names); diff != "" {
		t.Errorf("tokens delivered (-want +got):\n%s", diff)
	}
	want := []string{"1:503@12:00:00", "2:204@12:05:00", "1:204@12:05:00"}
	if diff := cmp.Diff(want, attempts(srv)); diff != "" {
		t.Errorf("attempts (-want +got):\n%s", diff)
	}
}

func TestWebhookConnectErrorIsRetried(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	srv := startHooked(t)
	addWebhook(t, srv, "http://"+addr+"/hook")
	createPAT(t, srv, "x") // the API call does not fail
	waitDeliveries(t, srv)
	srv.Clock().Advance(fake.WebhookRetryInterval)
	waitDeliveries(t, srv)
	ds := srv.Deliveries()
	if len(ds) != 2 {
		t.Fatalf("deliveries = %+v, want 2 attempts", ds)
	}
	for i, d := range ds {
		if d.Attempt != i+1 || d.Status != 0 || !strings.Contains(d.Error, "connect") {
			t.Errorf("attempt %d = %+v, want a connection error", i+1, d)
		}
	}
}

func TestWebhookDeactivatedAfterFailures(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.setAnswer(func(int) int { return http.StatusInternalServerError })
	srv := startHooked(t)
	hookID := addWebhook(t, srv, rc.URL)
	// 50 failed attempts need nine events: eight fail six times each.
	for i := range 10 {
		createPAT(t, srv, fmt.Sprintf("t%d", i))
	}
	waitDeliveries(t, srv)
	for range 100 {
		var h struct{ Active bool }
		if err := json.Unmarshal(cryptlexCall(t, srv, "GET", "/v3/webhooks/"+hookID, "", http.StatusOK), &h); err != nil {
			t.Fatal(err)
		}
		if !h.Active {
			break
		}
		srv.Clock().Advance(fake.WebhookRetryInterval)
		waitDeliveries(t, srv)
	}
	if n := len(rc.requests()); n != fake.WebhookMaxFailures {
		t.Errorf("receiver got %d requests, want %d", n, fake.WebhookMaxFailures)
	}
	var h map[string]any
	if err := json.Unmarshal(cryptlexCall(t, srv, "GET", "/v3/webhooks/"+hookID, "", http.StatusOK), &h); err != nil {
		t.Fatal(err)
	}
	if h["active"] != false {
		t.Fatalf("webhook after %d failures = %v, want active false", fake.WebhookMaxFailures, h)
	}
	// The events still waiting are logged as not sent; no more attempts.
	var notSent []string
	for _, d := range srv.Deliveries() {
		if d.Attempt == 0 {
			notSent = append(notSent, d.Event+": "+d.Error)
		}
	}
	wantNote := "personalAccessToken.created: not sent: the webhook was switched off after 50 failed attempts in a row"
	if len(notSent) != 1 || notSent[0] != wantNote {
		t.Errorf("not sent = %q, want the tenth event with %q", notSent, wantNote)
	}
	srv.Clock().Advance(10 * fake.WebhookRetryInterval)
	createPAT(t, srv, "after")
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != fake.WebhookMaxFailures {
		t.Errorf("receiver got %d requests after the switch-off, want %d", n, fake.WebhookMaxFailures)
	}
}

func TestWebhookResetClearsPending(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.setAnswer(func(int) int { return http.StatusInternalServerError })
	srv := startHooked(t)
	addWebhook(t, srv, rc.URL)
	createPAT(t, srv, "x")
	waitDeliveries(t, srv)
	srv.Reset()
	if ds := srv.Deliveries(); len(ds) != 0 {
		t.Errorf("deliveries after Reset = %+v", ds)
	}
	srv.Clock().Advance(fake.WebhookRetryInterval)
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 1 {
		t.Errorf("receiver got %d requests, want only the one before Reset", n)
	}
}

func TestWebhookDeletedWebhookGetsNoRetry(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.setAnswer(func(int) int { return http.StatusInternalServerError })
	srv := startHooked(t)
	hookID := addWebhook(t, srv, rc.URL)
	createPAT(t, srv, "x")
	waitDeliveries(t, srv)
	cryptlexCall(t, srv, "DELETE", "/v3/webhooks/"+hookID, "", http.StatusNoContent)
	srv.Clock().Advance(fake.WebhookRetryInterval)
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 1 {
		t.Errorf("receiver got %d requests, want 1", n)
	}
}

func TestWebhookAdminAPI(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.setAnswer(func(n int) int { return []int{500, 200}[min(n-1, 1)] })
	srv := startHooked(t)
	hookID := addWebhook(t, srv, rc.URL)
	createPAT(t, srv, "x")
	admin := func(method, path, body string) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s %s: %d %s %v", method, path, res.StatusCode, res.Header.Get("Content-Type"), out)
		}
		return out
	}
	got := admin("POST", "/_fake/webhooks/flush", "")
	want := map[string]any{"deliveries": []any{map[string]any{
		"id": float64(0), "webhook": hookID, "url": rc.URL, "event": "personalAccessToken.created", "attempt": float64(1),
		"time": "2026-03-01T12:00:00Z", "status": float64(500), "error": "the receiver answered 500, not 2xx",
	}}}
	ignoreDuration := cmp.FilterPath(func(p cmp.Path) bool {
		mi, ok := p.Last().(cmp.MapIndex)
		return ok && mi.Key().String() == "duration"
	}, cmp.Ignore())
	if diff := cmp.Diff(want, got, ignoreDuration); diff != "" {
		t.Errorf("flush (-want +got):\n%s", diff)
	}
	admin("POST", "/_fake/clock", `{"advance":"300s"}`)
	admin("POST", "/_fake/webhooks/flush", "")
	got = admin("GET", "/_fake/webhooks/deliveries", "")
	list, _ := got["deliveries"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["status"] != float64(200) || list[1].(map[string]any)["attempt"] != float64(2) {
		t.Errorf("deliveries = %v, want the retry that succeeded second", got)
	}
	admin("POST", "/_fake/reset", "")
	if got := admin("GET", "/_fake/webhooks/deliveries", ""); len(got["deliveries"].([]any)) != 0 {
		t.Errorf("deliveries after reset = %v", got)
	}
}

// TestWebhookConcurrentCreates: PATs created from many goroutines give
// exactly one delivery per event per webhook.
func TestWebhookConcurrentCreates(t *testing.T) {
	t.Parallel()
	receivers := []*receiver{newReceiver(t), newReceiver(t), newReceiver(t)}
	srv := startHooked(t)
	for _, rc := range receivers {
		addWebhook(t, srv, rc.URL, "personalAccessToken.created")
	}
	const workers, each = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req, _ := http.NewRequest("POST", srv.URL()+"/v3/personal-access-tokens",
					strings.NewReader(fmt.Sprintf(`{"name":"w%d-%d","scopes":["license:read"]}`, w, i)))
				req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					t.Errorf("create: %d", res.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	waitDeliveries(t, srv)
	for i, rc := range receivers {
		seen := map[string]int{}
		for _, r := range rc.requests() {
			seen[r.event(t)["data"].(map[string]any)["name"].(string)]++
		}
		if len(seen) != workers*each {
			t.Errorf("receiver %d got %d distinct tokens, want %d", i, len(seen), workers*each)
		}
		for name, n := range seen {
			if n != 1 {
				t.Errorf("receiver %d got %s %d times", i, name, n)
			}
		}
	}
	if n := len(srv.Deliveries()); n != 3*workers*each {
		t.Errorf("%d deliveries logged, want %d", n, 3*workers*each)
	}
}

// faultScenario is a scenario whose one rule applies fault to the first
// personalAccessToken.created delivery.
func faultScenario(respond string) []byte {
	return []byte("name: delivery-faults\nrules:\n  - name: fault\n    match: {api: cryptlex, webhook: personalAccessToken.created}\n    times: 1\n    respond: " + respond + "\n")
}

// names returns the token names of the events rc got, in order.
func names(t *testing.T, rc *receiver) []string {
	t.Helper()
	var out []string
	for _, r := range rc.requests() {
		out = append(out, r.event(t)["data"].(map[string]any)["name"].(string))
	}
	return out
}

func TestWebhookScriptedFaults(t *testing.T) {
	t.Parallel()
	t.Run("duplicate", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		if err := srv.LoadScenarioData(faultScenario("{delivery: duplicate}")); err != nil {
			t.Fatal(err)
		}
		createPAT(t, srv, "a")
		createPAT(t, srv, "b")
		waitDeliveries(t, srv)
		got := rc.requests()
		if diff := cmp.Diff([]string{"a", "a", "b"}, names(t, rc)); diff != "" {
			t.Fatalf("tokens delivered (-want +got):\n%s", diff)
		}
		if !bytes.Equal(got[0].body, got[1].body) || got[0].header.Get("Webhook-Signature") != got[1].header.Get("Webhook-Signature") {
			t.Errorf("the duplicate differs from the original")
		}
		ds := srv.Deliveries()
		if len(ds) != 3 || ds[0].Rule != "fault" || ds[0].Fault != fake.DeliveryDuplicate || ds[1].Fault != fake.DeliveryDuplicate || ds[0].ID != ds[1].ID || ds[2].Rule != "" {
			t.Errorf("deliveries = %+v", ds)
		}
	})
	t.Run("drop", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		if err := srv.LoadScenarioData(faultScenario("{delivery: drop}")); err != nil {
			t.Fatal(err)
		}
		createPAT(t, srv, "a")
		createPAT(t, srv, "b")
		waitDeliveries(t, srv)
		srv.Clock().Advance(fake.WebhookRetryInterval) // a dropped delivery is not retried
		waitDeliveries(t, srv)
		if diff := cmp.Diff([]string{"b"}, names(t, rc)); diff != "" {
			t.Fatalf("tokens delivered (-want +got):\n%s", diff)
		}
		ds := srv.Deliveries()
		if len(ds) != 2 || ds[0].Attempt != 0 || ds[0].Error != "not sent: dropped by a scripted rule" || ds[0].Fault != fake.DeliveryDrop || !ds[1].OK() {
			t.Errorf("deliveries = %+v", ds)
		}
	})
	t.Run("bad-signature", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		if err := srv.LoadScenarioData(faultScenario("{delivery: bad-signature}")); err != nil {
			t.Fatal(err)
		}
		createPAT(t, srv, "a")
		createPAT(t, srv, "b")
		waitDeliveries(t, srv)
		got := rc.requests()
		if len(got) != 2 {
			t.Fatalf("receiver got %d requests", len(got))
		}
		if sig := got[0].header.Get("Webhook-Signature"); sig == "" || verify(got[0].body, sig, "s3cret") {
			t.Errorf("first signature %q verifies, want a wrong one", sig)
		}
		if !verify(got[1].body, got[1].header.Get("Webhook-Signature"), "s3cret") {
			t.Errorf("second signature does not verify")
		}
	})
	t.Run("reorder", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		if err := srv.LoadScenarioData(faultScenario("{delivery: reorder}")); err != nil {
			t.Fatal(err)
		}
		createPAT(t, srv, "a")
		createPAT(t, srv, "b")
		createPAT(t, srv, "c")
		waitDeliveries(t, srv)
		if diff := cmp.Diff([]string{"b", "a", "c"}, names(t, rc)); diff != "" {
			t.Errorf("tokens delivered (-want +got):\n%s", diff)
		}
	})
	t.Run("reorder without a next event", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		if err := srv.LoadScenarioData(faultScenario("{delivery: reorder}")); err != nil {
			t.Fatal(err)
		}
		createPAT(t, srv, "a")
		waitDeliveries(t, srv) // sends what was held back
		if diff := cmp.Diff([]string{"a"}, names(t, rc)); diff != "" {
			t.Errorf("tokens delivered (-want +got):\n%s", diff)
		}
	})
	t.Run("delay", func(t *testing.T) {
		t.Parallel()
		rc := newReceiver(t)
		srv := startHooked(t)
		addWebhook(t, srv, rc.URL)
		if err := srv.LoadScenarioData(faultScenario("{delay: 200ms}")); err != nil {
			t.Fatal(err)
		}
		before := time.Now() // the event happens after this
		createPAT(t, srv, "a")
		waitDeliveries(t, srv)
		got := rc.requests()
		if len(got) != 1 {
			t.Fatalf("receiver got %d requests", len(got))
		}
		if late := got[0].at.Sub(before); late < 200*time.Millisecond {
			t.Errorf("delivery came %s after the API call started, want at least the 200ms delay", late)
		}
	})
}

func TestWebhookRuleErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ rule, want string }{
		{"{match: {webhook: personalAccessToken.created}, respond: {delivery: twice}}",
			`rules[0]: respond.delivery: unknown delivery fault "twice" (want duplicate, drop, bad-signature or reorder)`},
		{"{match: {api: cryptlex}, respond: {delivery: drop}}",
			"rules[0]: respond.delivery: only a rule that matches webhook deliveries (match.webhook) may change them"},
		{"{match: {api: unleash, webhook: personalAccessToken.created}, respond: {delivery: drop}}",
			"rules[0]: match.webhook: only the cryptlex API sends webhooks, not unleash"},
		{"{match: {webhook: license.created}, respond: {delivery: drop}}",
			`rules[0]: match.webhook: unknown event "license.created" (want personalAccessToken.created, personalAccessToken.updated, personalAccessToken.deleted or any)`},
		{"{match: {webhook: any, method: POST}, respond: {delivery: drop}}",
			"rules[0]: match.method: a rule that matches webhook deliveries matches no request: leave it out"},
		{"{match: {webhook: any}, respond: {status: 500}}",
			"rules[0]: respond.status: a webhook delivery is changed with delivery and delay only"},
		{"{match: {webhook: any}, respond: {delivery: drop, fault: reset}}",
			"rules[0]: respond.fault: a webhook delivery is changed with delivery and delay only"},
		{"{match: {webhook: any}, respond: {headers: {X: y}}}",
			"rules[0]: respond.headers: a webhook delivery is changed with delivery and delay only"},
		{"{match: {webhook: any}, respond: {delay: 10m}}",
			"rules[0]: respond.delay: must be between 0 and 5m0s, got 10m0s"},
		{"{match: {webhook: 7}, respond: {delivery: drop}}",
			"rules[0]: match.webhook: must be a string, got the number 7"},
		{"{match: {webhook: any}, respond: {delivery: [drop]}}",
			"rules[0]: respond.delivery: must be a string, got a list"},
		{"{match: {webhook: any}, respond: {}}",
			"rules[0]: respond: needs a delivery fault or a delay"},
	}
	for _, tt := range tests {
		_, err := fake.ParseScenario("x.yaml", []byte("name: x\nrules:\n  - "+tt.rule+"\n"))
		if want := "scenario x.yaml: " + tt.want; err == nil || err.Error() != want {
			t.Errorf("%s:\n got %v\nwant %s", tt.rule, err, want)
		}
	}
	// Script checks the same way.
	err := startHooked(t).Script(fake.Rule{Match: fake.Match{Webhook: "any"}, Respond: fake.Response{Delivery: "late"}})
	if err == nil || !strings.Contains(err.Error(), `respond.delivery: unknown delivery fault "late"`) {
		t.Errorf("Script error = %v", err)
	}
}

// TestWebhookRulesAndRequestsApart: a delivery rule never answers a
// request, and a request rule never changes a delivery.
func TestWebhookRulesAndRequestsApart(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	srv := startHooked(t)
	addWebhook(t, srv, rc.URL)
	err := srv.Script(
		fake.Rule{Name: "drop-all", Match: fake.Match{Webhook: "any"}, Respond: fake.Response{Delivery: fake.DeliveryDrop}, Times: 1},
		fake.Rule{Name: "deny-webhook-list", Match: fake.Match{API: "cryptlex", Method: "GET", Path: "/v3/webhooks"}, Respond: fake.Response{Status: 503}},
	)
	if err != nil {
		t.Fatal(err)
	}
	createPAT(t, srv, "a") // answered for real: the delivery rule does not match requests
	createPAT(t, srv, "b")
	waitDeliveries(t, srv)
	if diff := cmp.Diff([]string{"b"}, names(t, rc)); diff != "" {
		t.Errorf("tokens delivered (-want +got):\n%s", diff)
	}
	cryptlexCall(t, srv, "GET", "/v3/webhooks", "", http.StatusServiceUnavailable) // /v3/webhooks is the cryptlex API
}

func TestDeliveryJSON(t *testing.T) {
	t.Parallel()
	in := fake.Delivery{ID: 3, Webhook: "w", URL: "http://127.0.0.1/x", Event: "e", Attempt: 2, Time: hookNow,
		Status: 500, Error: "boom", Rule: "r", Fault: fake.DeliveryDuplicate, Duration: 1500 * time.Microsecond}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out fake.Delivery
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s\n%s", diff, b)
	}
	if !strings.Contains(string(b), `"duration":"1.5ms"`) {
		t.Errorf("JSON %s lacks the duration as a Go duration", b)
	}
}

func TestWithWebhookHosts(t *testing.T) {
	t.Parallel()
	const body = `{"name":"r","url":"http://receiver.test:8080/hook","token":"k","events":["personalAccessToken.created"]}`
	cryptlexCall(t, startHooked(t), "POST", "/v3/webhooks", body, http.StatusBadRequest)
	cryptlexCall(t, startHooked(t, fake.WithWebhookHosts("receiver.test")), "POST", "/v3/webhooks", body, http.StatusCreated)
	_, err := fake.NewServer(fake.WithWebhookHosts("http://receiver.test"))
	if err == nil || !strings.HasPrefix(err.Error(), `webhook host "http://receiver.test"`) {
		t.Errorf("NewServer error = %v, want one naming the bad host", err)
	}
}

// TestWebhookResetEndsScriptedDelay: Reset drops a delivery that a rule
// holds back, at once: WaitDeliveries does not wait out the delay, and the
// receiver gets nothing.
func TestWebhookResetEndsScriptedDelay(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	srv := startHooked(t)
	addWebhook(t, srv, rc.URL)
	if err := srv.Script(fake.Rule{Match: fake.Match{Webhook: "any"}, Respond: fake.Response{Delay: fake.MaxDelay}}); err != nil {
		t.Fatal(err)
	}
	createPAT(t, srv, "held")
	srv.Reset()
	if err := srv.WaitDeliveries(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rc.requests()); n != 0 {
		t.Errorf("receiver got %d requests, want none", n)
	}
	if ds := srv.Deliveries(); len(ds) != 0 {
		t.Errorf("deliveries after Reset = %+v", ds)
	}
}

// TestWebhookDeleteEndsScriptedDelay: deleting a webhook drops a delivery
// that a rule holds back, and the log says it was not sent.
func TestWebhookDeleteEndsScriptedDelay(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	srv := startHooked(t)
	hookID := addWebhook(t, srv, rc.URL)
	if err := srv.Script(fake.Rule{Name: "slow", Match: fake.Match{Webhook: "any"}, Respond: fake.Response{Delay: fake.MaxDelay}}); err != nil {
		t.Fatal(err)
	}
	createPAT(t, srv, "held")
	cryptlexCall(t, srv, "DELETE", "/v3/webhooks/"+hookID, "", http.StatusNoContent)
	waitDeliveries(t, srv)
	if n := len(rc.requests()); n != 0 {
		t.Errorf("receiver got %d requests, want none", n)
	}
	ds := srv.Deliveries()
	if len(ds) != 1 || ds[0].Attempt != 0 || ds[0].Error != "not sent: the webhook was deleted or switched off" || ds[0].Rule != "slow" {
		t.Errorf("deliveries = %+v, want the held one as not sent", ds)
	}
}
