package fake_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// scaleSizes are the data set sizes of BenchmarkScale: the default fixtures
// (size 0), then that many tokens added to them.
var scaleSizes = []int{0, 1_000, 10_000, 100_000}

// scaleCase is one request of BenchmarkScale.
type scaleCase struct {
	name   string
	req    func() *http.Request
	status int // 0 for 200
}

// BenchmarkScale serves each API's list, lookup and authentication through
// Handler over the default fixtures and over them with 1,000, 10,000 and
// 100,000 tokens added, to show how the cost of a request grows with the
// data: BenchmarkScale/API/request/tokens=N. The caller is always a
// fixture token, and pages are no longer than the default fixtures fill, so
// every size answers the same number of tokens. LogScale's tokens are the organization's; Unleash's belong
// to other users, ten each (a user's list holds all their PATs, so only
// the caller's own count can make it longer); Cryptlex's belong to the
// caller, whose list pages through them.
func BenchmarkScale(b *testing.B) {
	logscale := func(query string) func() *http.Request {
		body, err := json.Marshal(map[string]string{"query": query})
		if err != nil {
			b.Fatal(err)
		}
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
			r.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
			r.Header.Set("Content-Type", "application/json")
			return r
		}
	}
	get := func(path, auth string) func() *http.Request {
		return func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Header.Set("Authorization", auth)
			return r
		}
	}
	apis := []struct {
		name  string
		file  string
		grow  func(b *testing.B, data map[string]any, n int)
		cases []scaleCase
	}{
		{"logscale", "logscale.json", growLogScale, []scaleCase{
			{"list", logscale(`{ tokens(sortBy: Name, limit: 5) { totalResults results { id name expireAt } } }`), 0},
			{"lookup", logscale(`{ token(tokenId: "Hx7pL2cV9bN4mK8qW1zR6tY3uE5oA0sD") { id name } }`), 0},
			{"auth", logscale(`{ viewer { username } }`), 0},
		}},
		{"unleash", "unleash.json", growUnleash, []scaleCase{
			{"list", get("/api/admin/user/tokens", fixtures.UnleashToken), 0},
			{"auth-unknown-pat", get("/api/admin/user/tokens", "user:"+strings.Repeat("f", 56)), http.StatusUnauthorized},
		}},
		{"cryptlex", "cryptlex.json", growCryptlex, []scaleCase{
			{"list", get("/v3/personal-access-tokens?limit=2", "Bearer "+fixtures.CryptlexToken), 0},
			{"list-by-name", get("/v3/personal-access-tokens?sort=name&limit=2", "Bearer "+fixtures.CryptlexToken), 0},
			{"list-by-last-use", get("/v3/personal-access-tokens?sort=-lastUsedAt&limit=2", "Bearer "+fixtures.CryptlexToken), 0},
			{"lookup", get("/v3/personal-access-tokens/a3d8c5e1-9f2b-4c6a-8e7d-4b1f0c9a2e56", "Bearer "+fixtures.CryptlexToken), 0},
		}},
	}
	for _, api := range apis {
		// Every size's server first, then each request at every size in
		// turn, so that the sizes of one request are measured close
		// together in time.
		servers := make([]*fake.Server, len(scaleSizes))
		for i, n := range scaleSizes {
			srv, err := fake.NewServer(fake.WithFixtures(grownFixtures(b, api.file, n, api.grow)),
				fake.WithoutCryptlexRateLimit(), fake.WithJournalLimit(100))
			if err != nil {
				b.Fatal(err)
			}
			servers[i] = srv
		}
		for _, c := range api.cases {
			for i, n := range scaleSizes {
				want := cmp.Or(c.status, http.StatusOK)
				serve := func(b *testing.B) {
					rec := httptest.NewRecorder()
					servers[i].Handler().ServeHTTP(rec, c.req())
					if rec.Code != want || strings.Contains(rec.Body.String(), `"errors"`) {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
				}
				b.Run(fmt.Sprintf("%s/%s/tokens=%d", api.name, c.name, n), func(b *testing.B) {
					serve(b) // orders built on first use are built here
					b.ReportAllocs()
					for b.Loop() {
						serve(b)
					}
				})
			}
		}
		for _, srv := range servers {
			srv.Close()
		}
	}
}

// grownFixtures returns the default fixtures with file changed by grow to
// hold n more tokens.
func grownFixtures(b *testing.B, file string, n int, grow func(*testing.B, map[string]any, int)) fstest.MapFS {
	b.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(fixtures.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fixtures.FS(), path)
		out[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(out[file].Data, &data); err != nil {
		b.Fatal(err)
	}
	grow(b, data, n)
	if out[file].Data, err = json.Marshal(data); err != nil {
		b.Fatal(err)
	}
	return out
}

// appendTo appends items to the list data[key].
func appendTo(b *testing.B, data map[string]any, key string, items ...any) {
	b.Helper()
	list, ok := data[key].([]any)
	if !ok {
		b.Fatalf("fixtures have no list %q", key)
	}
	data[key] = append(list, items...)
}

// growLogScale adds n organization, system and view tokens.
func growLogScale(b *testing.B, data map[string]any, n int) {
	types := []string{"organization", "system"}
	for i := range n {
		appendTo(b, data, "tokens", map[string]any{
			"id": fmt.Sprintf("scale%027d", i), "secret": "s", "type": types[i%2],
			"name": fmt.Sprintf("scale token %d", (i*7919)%n), "permissions": []string{"ReadAccess"},
			"createdAt": 1_700_000_000_000 + i, "expireAt": nil,
		})
	}
}

// growUnleash adds n PATs, ten for each of n/10 new users.
func growUnleash(b *testing.B, data map[string]any, n int) {
	for i := range n {
		user := 1000 + i/10
		if i%10 == 0 {
			appendTo(b, data, "users", map[string]any{"id": user, "username": fmt.Sprintf("user%d", user),
				"name": "Scale User", "email": fmt.Sprintf("user%d@example.com", user)})
		}
		appendTo(b, data, "pats", map[string]any{
			"id": 1000 + i, "userId": user, "description": fmt.Sprintf("scale %d", i),
			"secret": fmt.Sprintf("user:%056x", i), "createdAt": "2026-01-05T09:00:00.000Z",
			"expiresAt": "2099-12-31T23:59:59.000Z", "seenAt": nil,
		})
	}
}

// growCryptlex adds n PATs of the user of fixtures.CryptlexToken.
func growCryptlex(b *testing.B, data map[string]any, n int) {
	pats, ok := data["personalAccessTokens"].([]any)
	if !ok || len(pats) == 0 {
		b.Fatal("fixtures have no personalAccessTokens")
	}
	userID := pats[0].(map[string]any)["userId"]
	for i := range n {
		at := fmt.Sprintf("2025-%02d-%02dT%02d:%02d:%02dZ", 1+i%12, 1+i%28, i%24, i%60, (i/60)%60)
		appendTo(b, data, "personalAccessTokens", map[string]any{
			"id": fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), "createdAt": at, "updatedAt": at,
			"name": fmt.Sprintf("scale %d", (i*7919)%n), "expiresAt": nil, "revoked": false,
			"scopes": []string{"license:read"}, "userId": userID, "lastUsedAt": nil, "lastRotatedAt": nil,
		})
	}
}
