package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/go-retryablehttp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// epoch is when the clock of a test server with a fixed time starts.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestJournalRecordsEveryRequest(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(epoch))
	script(t, srv, fake.Rule{Name: "conflict", Match: fake.Match{API: fake.APICryptlex, Method: "POST"}, Respond: fake.Response{Status: 409}})
	rotate := call{method: "POST", path: "/graphql?id=Rotate", header: logscaleViewer.header,
		body: `{"query":"mutation Rotate { rotateToken(input: {id: \"nope\"}) }","operationName":"Rotate"}`}
	do(t, srv, nil, unleashList)
	srv.Clock().Advance(time.Minute)
	do(t, srv, nil, cryptlexCreate("j"))
	do(t, srv, nil, rotate)
	do(t, srv, nil, call{method: "GET", path: "/_fake/health"})
	do(t, srv, nil, call{method: "GET", path: "/elsewhere"})
	want := []fake.Request{
		{Time: epoch, API: "unleash", Method: "GET", Path: "/api/admin/user/tokens", Status: 200},
		{Time: epoch.Add(time.Minute), API: "cryptlex", Method: "POST", Path: "/v3/personal-access-tokens", Status: 409, Rule: "conflict"},
		{Time: epoch.Add(time.Minute), API: "logscale", Method: "POST", Path: "/graphql", Operations: []string{"rotateToken", "Rotate"}, Status: 200},
		{Time: epoch.Add(time.Minute), API: "", Method: "GET", Path: "/elsewhere", Status: 404},
	}
	got := srv.Requests(fake.Filter{})
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(fake.Request{}, "Duration"), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("journal (-want +got):\n%s", diff)
	}
	for _, r := range got {
		if r.Duration <= 0 {
			t.Errorf("%s %s: duration %s", r.Method, r.Path, r.Duration)
		}
	}
}

func TestJournalFilters(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv, fake.Rule{Name: "second", Match: fake.Match{API: fake.APIUnleash}, After: 1, Times: 1, Respond: fake.Response{Status: 503}})
	for range 3 {
		do(t, srv, nil, unleashList)
	}
	do(t, srv, nil, cryptlexList)
	do(t, srv, nil, call{method: "GET", path: "/v3/personal-access-tokens/abc", header: cryptlexList.header})
	do(t, srv, nil, logscaleViewer)
	tests := []struct {
		filter fake.Filter
		want   int
	}{
		{fake.Filter{}, 6},
		{fake.Filter{API: fake.APIUnleash}, 3},
		{fake.Filter{API: fake.APIAny}, 6},
		{fake.Filter{API: fake.APIUnleash, Status: 200}, 2},
		{fake.Filter{Rule: "second"}, 1},
		{fake.Filter{Status: 503}, 1},
		{fake.Filter{Method: "get"}, 5},
		{fake.Filter{Method: "POST"}, 1},
		{fake.Filter{Operation: "viewer"}, 1},
		{fake.Filter{Path: "/v3/personal-access-tokens/{id}"}, 1},
		{fake.Filter{Path: "/v3/{rest...}"}, 2},
		{fake.Filter{Path: "/graphql", Operation: "tokens"}, 0},
	}
	for _, tt := range tests {
		if got := srv.Count(tt.filter); got != tt.want {
			t.Errorf("Count(%+v) = %d, want %d", tt.filter, got, tt.want)
		}
		if got := len(srv.Requests(tt.filter)); got != tt.want {
			t.Errorf("len(Requests(%+v)) = %d, want %d", tt.filter, got, tt.want)
		}
	}
	srv.ClearRequests()
	if n := srv.Count(fake.Filter{}); n != 0 {
		t.Errorf("%d requests after ClearRequests", n)
	}
}

func TestJournalDropsTheOldest(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithJournalLimit(3))
	for i := range 5 {
		do(t, srv, nil, call{method: "GET", path: fmt.Sprintf("/elsewhere/%d", i)})
	}
	var paths []string
	for _, r := range srv.Requests(fake.Filter{}) {
		paths = append(paths, r.Path)
	}
	if diff := cmp.Diff([]string{"/elsewhere/2", "/elsewhere/3", "/elsewhere/4"}, paths); diff != "" {
		t.Errorf("journal (-want +got):\n%s", diff)
	}
}

func TestJournalUnderConcurrency(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithJournalLimit(50))
	script(t, srv, fake.Rule{Name: "some", Match: fake.Match{API: fake.APIUnleash}, Times: 40, Respond: fake.Response{Status: 500}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 8 {
		wg.Go(func() {
			for range 10 {
				got, err := send(srv, nil, unleashList)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				statuses[got.status]++
				mu.Unlock()
				srv.Count(fake.Filter{Rule: "some"})
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff(map[int]int{500: 40, 200: 40}, statuses); diff != "" {
		t.Errorf("statuses seen by the clients (-want +got):\n%s", diff)
	}
	if n := srv.Count(fake.Filter{}); n != 50 {
		t.Errorf("%d journaled, want the limit 50", n)
	}
	srv.AssertScriptsUsed(t)
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAssertScriptsUsed(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv,
		fake.Rule{Name: "used", Match: fake.Match{API: fake.APIUnleash}, Times: 1, Respond: fake.Response{Status: 500}},
		fake.Rule{Name: "half", Match: fake.Match{API: fake.APICryptlex}, After: 1, Times: 2, Respond: fake.Response{Status: 500}},
		fake.Rule{Name: "always", Match: fake.Match{API: fake.APILogScale}, Respond: fake.Response{Status: 500}},
	)
	do(t, srv, nil, unleashList)
	do(t, srv, nil, cryptlexList)
	do(t, srv, nil, cryptlexList)
	rec := &recorder{TB: t}
	srv.AssertScriptsUsed(rec)
	want := []string{`fake server: rule "half" answered 1 of its 2 calls (2 matching calls reached it)`}
	if diff := cmp.Diff(want, rec.errors); diff != "" {
		t.Errorf("failures (-want +got):\n%s", diff)
	}
	do(t, srv, nil, cryptlexList)
	rec = &recorder{TB: t}
	srv.AssertScriptsUsed(rec)
	if len(rec.errors) != 0 {
		t.Errorf("failures %q once every rule is used up", rec.errors)
	}
}

func TestEveryRequestIsLogged(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	srv := fake.Start(t, fake.WithLogger(logger))
	script(t, srv, fake.Rule{Name: "throttle", Match: fake.Match{Operation: "viewer"}, Respond: fake.Response{Status: 429}})
	do(t, srv, nil, logscaleViewer)
	do(t, srv, nil, unleashList)
	do(t, srv, nil, call{method: "GET", path: "/_fake/health"})
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var requests []string
	for _, l := range lines {
		if strings.Contains(l, "msg=request") {
			requests = append(requests, l)
		}
	}
	if len(requests) != 3 {
		t.Fatalf("%d request lines, want 3:\n%s", len(requests), out)
	}
	for i, want := range [][]string{
		{"level=INFO", "method=POST", "path=/graphql", "api=logscale", "operations=viewer", "status=429", "rule=throttle", "duration="},
		{"level=INFO", "method=GET", "path=/api/admin/user/tokens", "api=unleash", "operations=\"\"", "status=200", "rule=\"\"", "duration="},
		{"level=INFO", "method=GET", "path=/_fake/health", "api=admin", "status=200", "duration="},
	} {
		for _, w := range want {
			if !strings.Contains(requests[i], w) {
				t.Errorf("line %q lacks %q", requests[i], w)
			}
		}
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestRetryingClientRecoversFromRateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		api    string
		create call
		want   int
	}{
		{fake.APIUnleash, unleashCreate("retried"), http.StatusCreated},
		{fake.APICryptlex, cryptlexCreate("retried"), http.StatusCreated},
		{fake.APILogScale, logscaleViewer, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.api, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t, fake.WithScenario("rate-limit"))
			var waits []time.Duration
			var mu sync.Mutex
			client := retryablehttp.NewClient()
			client.HTTPClient = srv.Client()
			client.Logger = nil
			client.RetryMax = 3
			client.Backoff = func(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
				// Record what the client would wait (Retry-After), then wait
				// briefly so the test stays fast.
				mu.Lock()
				waits = append(waits, retryablehttp.DefaultBackoff(min, max, attempt, resp))
				mu.Unlock()
				return time.Millisecond
			}
			req, err := retryablehttp.NewRequestWithContext(context.Background(), tt.create.method, srv.URL()+tt.create.path, strings.NewReader(tt.create.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.create.header {
				req.Header.Set(k, v)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("retrying client: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("final status %d, want %d", resp.StatusCode, tt.want)
			}
			if diff := cmp.Diff([]time.Duration{time.Second, time.Second}, waits); diff != "" {
				t.Errorf("waits from Retry-After (-want +got):\n%s", diff)
			}
			var statuses []int
			for _, r := range srv.Requests(fake.Filter{API: tt.api}) {
				statuses = append(statuses, r.Status)
			}
			if diff := cmp.Diff([]int{429, 429, tt.want}, statuses); diff != "" {
				t.Errorf("journal statuses (-want +got):\n%s", diff)
			}
			if n := srv.Count(fake.Filter{API: tt.api, Rule: tt.api + "-429"}); n != 2 {
				t.Errorf("%d calls answered by %s-429, want 2", n, tt.api)
			}
		})
	}
}

func TestTokenExpiresByTheClock(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(epoch))
	got := do(t, srv, nil, call{method: "POST", path: "/api/admin/user/tokens",
		body:   `{"description":"short-lived","expiresAt":"` + epoch.Add(time.Hour).Format(time.RFC3339) + `"}`,
		header: map[string]string{"Authorization": fixtures.UnleashToken, "Content-Type": "application/json"}})
	if got.status != 201 {
		t.Fatalf("create %d %s", got.status, got.body)
	}
	var pat struct {
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(got.body, &pat); err != nil || pat.Secret == "" {
		t.Fatalf("create body %s: %v", got.body, err)
	}
	use := call{method: "GET", path: "/api/admin/user/tokens", header: map[string]string{"Authorization": pat.Secret}}
	if got := do(t, srv, nil, use); got.status != 200 {
		t.Fatalf("new PAT refused: %d", got.status)
	}
	if got := do(t, srv, nil, call{method: "POST", path: "/_fake/clock", body: `{"advance":"2h"}`}); got.status != 200 {
		t.Fatalf("advance the clock: %d %s", got.status, got.body)
	}
	if got := do(t, srv, nil, use); got.status != 401 {
		t.Errorf("expired PAT answered %d, want 401", got.status)
	}
}

// TestPathsUnderAnAPIBelongToIt checks that a path under one of an API's
// prefixes is that API's: journaled under its name, scriptable, and
// answered with its own 404.
func TestPathsUnderAnAPIBelongToIt(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	got := do(t, srv, nil, call{method: "POST", path: "/graphql/extra", header: logscaleViewer.header})
	if got.status != http.StatusNotFound || got.header.Get("Content-Type") != "text/plain; charset=UTF-8" ||
		string(got.body) != "The requested resource could not be found." {
		t.Errorf("POST /graphql/extra: %d %q %q, want LogScale's 404", got.status, got.header.Get("Content-Type"), got.body)
	}
	if n := srv.Count(fake.Filter{API: fake.APILogScale, Path: "/graphql/extra"}); n != 1 {
		t.Errorf("journal has %d logscale requests to /graphql/extra, want 1", n)
	}
	if n := srv.Count(fake.Filter{Path: "/graphqlx"}); n != 0 {
		t.Errorf("journal has %d requests to /graphqlx before any was sent", n)
	}
	do(t, srv, nil, call{method: "POST", path: "/graphqlx"})
	if got := srv.Requests(fake.Filter{Path: "/graphqlx"}); len(got) != 1 || got[0].API != "" {
		t.Errorf("journal of /graphqlx: %+v, want one request of no API", got)
	}
}
