package fake_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

const benchTokensQuery = `{"query":"{ tokens(sortBy: Name, limit: 50) { totalResults results { id name expireAt createdAt __typename } } }"}`

// listTokensQuery is the LogScale query of the side-by-side comparison.
const listTokensQuery = `{"query":"query ListTokens { tokens(sortBy: Name) { totalResults results { id name createdAt expireAt } } }"}`

// postGraphQL sends body to srv's /graphql with token and fails b unless the
// answer is 200.
func postGraphQL(b *testing.B, srv *fake.Server, token, body string) {
	b.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/graphql", strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Fatalf("status %d", res.StatusCode)
	}
}

// BenchmarkStartTokensClose measures a test's whole use of a fake: start a
// server with the default fixtures, answer one LogScale tokens query, close
// it. It reports the median as well as the mean.
func BenchmarkStartTokensClose(b *testing.B) {
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		srv, err := fake.NewServer()
		if err != nil {
			b.Fatal(err)
		}
		postGraphQL(b, srv, fixtures.LogScaleToken, benchTokensQuery)
		srv.Close()
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns")
}

// BenchmarkNewServerClose measures starting a server with the default
// fixtures and closing it, with no request.
func BenchmarkNewServerClose(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		srv, err := fake.NewServer()
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

// bigStore returns fixtures with one user and n view, system and
// organization tokens.
func bigStore(b *testing.B, n int) fstest.MapFS {
	b.Helper()
	type tok struct {
		ID          string   `json:"id"`
		Secret      string   `json:"secret"`
		Type        string   `json:"type"`
		Name        string   `json:"name"`
		UserID      string   `json:"userId,omitempty"`
		ViewIDs     []string `json:"viewIds,omitempty"`
		Permissions []string `json:"permissions,omitempty"`
		CreatedAt   int64    `json:"createdAt"`
		ExpireAt    *int64   `json:"expireAt"`
	}
	toks := []tok{{ID: "admintoken", Secret: "secret", Type: "personal", UserID: "u1", CreatedAt: 1}}
	types := []string{"view", "system", "organization"}
	for i := range n {
		t := tok{ID: fmt.Sprintf("tok%028d", i), Secret: "s", Type: types[i%3], Name: fmt.Sprintf("token %d", (i*7919)%n),
			Permissions: []string{"ReadAccess"}, CreatedAt: int64(1_700_000_000_000 + i)}
		if t.Type == "view" {
			t.ViewIDs = []string{"r1"}
		}
		if i%2 == 0 {
			e := int64(1_900_000_000_000 + i)
			t.ExpireAt = &e
		}
		toks = append(toks, t)
	}
	data, err := json.Marshal(map[string]any{
		"users":        []map[string]any{{"id": "u1", "username": "admin", "createdAt": "2024-01-01T00:00:00Z"}},
		"repositories": []map[string]any{{"id": "r1", "name": "logs"}},
		"tokens":       toks,
	})
	if err != nil {
		b.Fatal(err)
	}
	return fstest.MapFS{"logscale.json": {Data: data}}
}

// BenchmarkTokens10k measures tokens(sortBy: Name, limit: 50) over a store
// of 10,000 tokens, through HTTP.
func BenchmarkTokens10k(b *testing.B) {
	srv, err := fake.NewServer(fake.WithFixtures(bigStore(b, 10_000)))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		postGraphQL(b, srv, "admintoken~secret", benchTokensQuery)
	}
}

// BenchmarkIdleHeap reports the heap an idle server with the default
// fixtures holds, after it has answered one request, per server.
func BenchmarkIdleHeap(b *testing.B) {
	const servers = 20
	var perServer float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		srvs := make([]*fake.Server, servers)
		for i := range srvs {
			srv, err := fake.NewServer()
			if err != nil {
				b.Fatal(err)
			}
			postGraphQL(b, srv, fixtures.LogScaleToken, benchTokensQuery)
			srvs[i] = srv
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perServer = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / servers
		for _, srv := range srvs {
			srv.Close()
		}
	}
	b.ReportMetric(perServer, "heap-B/server")
}

// BenchmarkHandler serves the requests of the side-by-side comparison
// (cmd/fakeserver's TestSideBySide) through Handler, without a network:
// the server's own cost per request.
func BenchmarkHandler(b *testing.B) {
	requests := map[string]func() *http.Request{
		"unleash": func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/admin/user/tokens", nil)
			r.Header.Set("Authorization", fixtures.UnleashToken)
			return r
		},
		"logscale": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(listTokensQuery))
			r.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
			r.Header.Set("Content-Type", "application/json")
			return r
		},
	}
	for _, api := range []string{"unleash", "logscale"} {
		b.Run(api, func(b *testing.B) {
			h := fake.Start(b).Handler()
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, requests[api]())
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
