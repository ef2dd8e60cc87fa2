package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// credCall sends one request to srv and returns the status and body.
func credCall(t *testing.T, srv *fake.Server, method, path, auth, body string) (int, string) {
	t.Helper()
	r := do(t, srv, nil, call{method: method, path: path, body: body,
		header: map[string]string{"Authorization": auth, "Content-Type": "application/json"}})
	return r.status, string(r.body)
}

// probe is a request every live credential of an API may make.
func probe(t *testing.T, srv *fake.Server, c fake.Credential) int {
	t.Helper()
	switch c.API {
	case fake.APILogScale:
		status, _ := credCall(t, srv, "POST", "/graphql", c.Authorization, `{"query":"{ tokens(sortBy: Name) { totalResults } }"}`)
		return status
	case fake.APIUnleash:
		status, _ := credCall(t, srv, "GET", "/api/admin/user/tokens", c.Authorization, "")
		return status
	default:
		status, _ := credCall(t, srv, "GET", "/v3/personal-access-tokens", c.Authorization, "")
		return status
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithoutCryptlexRateLimit())
	creds := srv.Credentials()
	auths := make([]string, len(creds))
	for i, c := range creds {
		auths[i] = c.Authorization
	}
	for _, want := range []string{"Bearer " + fixtures.LogScaleToken, fixtures.UnleashToken, fixtures.UnleashAdminToken,
		"Bearer " + fixtures.CryptlexToken, "Bearer " + fixtures.CryptlexLimitedToken} {
		if !slices.Contains(auths, want) {
			t.Errorf("Credentials lacks %.40s…", want)
		}
	}
	apis := map[string]int{}
	for _, c := range creds {
		apis[c.API]++
		status := probe(t, srv, c)
		switch {
		case c.Note == "" && status != http.StatusOK:
			t.Errorf("%s %s %q (no note): status %d, want 200", c.API, c.Kind, c.Name, status)
		case strings.HasPrefix(c.Note, "expired") || c.Note == "revoked":
			if status < 400 {
				t.Errorf("%s %s %q (%s): status %d, want a refusal", c.API, c.Kind, c.Name, c.Note, status)
			}
		}
	}
	if apis[fake.APILogScale] < 5 || apis[fake.APIUnleash] < 3 || apis[fake.APICryptlex] < 4 {
		t.Errorf("credentials by API = %v, want every fixture token", apis)
	}
}

type listedPAT struct {
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
	ExpiresAt string   `json:"expiresAt"`
}

func TestCryptlexToken(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := fake.Start(t, fake.WithTime(start), fake.WithSeed(7), fake.WithoutCryptlexRateLimit())

	jane, err := srv.CryptlexToken("jane.doe@example.com", []string{"license:read", "license:read"}, start.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	status, body := credCall(t, srv, "GET", "/v3/personal-access-tokens", "Bearer "+jane, "")
	if status != http.StatusOK {
		t.Fatalf("list with the minted token: %d %s", status, body)
	}
	var list []listedPAT
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(list, func(p listedPAT) bool {
		return strings.HasPrefix(p.Name, "minted ")
	})
	if i < 0 {
		t.Fatalf("jane's list %s has no minted token", body)
	}
	if got := list[i]; !slices.Equal(got.Scopes, []string{"license:read"}) || got.ExpiresAt != "2030-01-01T01:00:00Z" {
		t.Errorf("minted token = %+v, want scopes [license:read] expiring 2030-01-01T01:00:00Z", got)
	}
	if status, body := credCall(t, srv, "POST", "/v3/personal-access-tokens", "Bearer "+jane, `{"name":"x","scopes":["license:read"]}`); status != http.StatusForbidden {
		t.Errorf("create without personalAccessToken:write: %d %s, want 403", status, body)
	}
	srv.Clock().Advance(time.Hour)
	if status, body := credCall(t, srv, "GET", "/v3/personal-access-tokens", "Bearer "+jane, ""); status != http.StatusUnauthorized || !strings.Contains(body, "Access token has expired.") {
		t.Errorf("after the expiry: %d %s, want 401 expired", status, body)
	}

	// By id, with every scope and no expiry; Reset drops it.
	admin, err := srv.CryptlexToken("5e0b9c7a-2d4f-4b1e-8c3a-6f7d1e9b2a45", fake.CryptlexScopes(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := credCall(t, srv, "POST", "/v3/personal-access-tokens", "Bearer "+admin, `{"name":"x","scopes":["license:read"]}`); status != http.StatusCreated {
		t.Errorf("create with a minted all-scope token: %d %s, want 201", status, body)
	}
	srv.Reset()
	if status, _ := credCall(t, srv, "GET", "/v3/personal-access-tokens", "Bearer "+admin, ""); status != http.StatusUnauthorized {
		t.Errorf("after Reset: %d, want 401", status)
	}
}

func TestCryptlexTokenRefused(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := fake.Start(t, fake.WithTime(start))
	tests := []struct {
		user    string
		scopes  []string
		expires time.Time
		want    string
	}{
		{"nobody@example.com", []string{"license:read"}, time.Time{}, `no Cryptlex user "nobody@example.com" in the fixtures (users: admin@example.com, jane.doe@example.com)`},
		{"admin@example.com", nil, time.Time{}, "a Cryptlex token needs at least one scope"},
		{"admin@example.com", []string{"license:reed"}, time.Time{}, `unknown Cryptlex scope "license:reed"`},
		{"admin@example.com", []string{"license:read"}, start, "expiry 2030-01-01T00:00:00Z is not after the fake clock's now (2030-01-01T00:00:00Z)"},
	}
	for _, tt := range tests {
		if _, err := srv.CryptlexToken(tt.user, tt.scopes, tt.expires); err == nil || err.Error() != tt.want {
			t.Errorf("CryptlexToken(%q, %q, %v) error = %v, want %q", tt.user, tt.scopes, tt.expires, err, tt.want)
		}
	}
	if n := len(fake.CryptlexScopes()); n != 31 {
		t.Errorf("CryptlexScopes has %d names, want Cryptlex's 31", n)
	}
}

// A token for another fixture user, with the scopes a test needs.
func ExampleServer_CryptlexToken() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	token, err := srv.CryptlexToken("jane.doe@example.com", []string{"license:read"}, time.Now().Add(time.Hour))
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v3/personal-access-tokens", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	fmt.Println(res.Status)
	// Output: 200 OK
}

// Every credential of the default fixtures, as a client sends it.
func ExampleServer_Credentials() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	for _, c := range srv.Credentials() {
		if c.API == fake.APIUnleash {
			fmt.Printf("%s %q of %q: Authorization: %s\n", c.Kind, c.Name, c.User, c.Authorization)
		}
	}
	// Output:
	// personal access token "tokenfake default token" of "admin": Authorization: user:40282d3246639c97d609ed371c0ace799f4c4118cb84853dc328673f
	// personal access token "old deploy pipeline" of "admin": Authorization: user:9b1c0e7d55a84f0c2e6b3a1d7f8e9c0b4a5d6e7f8091a2b3c4d5e6f7
	// personal access token "jane's laptop" of "jane": Authorization: user:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4
	// admin API token "admin" of "": Authorization: *:*.unleash-insecure-admin-api-token
}

// The GraphQL schema for a code generator.
func ExampleLogScaleSchema() {
	sdl := fake.LogScaleSchema()
	fmt.Println(strings.Contains(sdl, "scalar Long"), strings.Contains(sdl, "createPersonalUserTokenV2"))
	// Output: true true
}
