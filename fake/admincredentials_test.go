package fake_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestAdminCredentials(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	got := checkAdmin(t, srv, nil, adminCall{method: "GET", path: "/_fake/credentials", wantStatus: 200})
	var body struct {
		Credentials []fake.Credential `json:"credentials"`
	}
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Credentials) != len(srv.Credentials()) {
		t.Errorf("GET /_fake/credentials lists %d, Credentials %d", len(body.Credentials), len(srv.Credentials()))
	}
	if !slices.ContainsFunc(body.Credentials, func(c fake.Credential) bool {
		return c.API == fake.APICryptlex && c.Authorization == "Bearer "+fixtures.CryptlexToken && c.User == "admin@example.com"
	}) {
		t.Errorf("GET /_fake/credentials lacks fixtures.CryptlexToken: %s", got.body)
	}
}

func TestAdminCryptlexToken(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	got := checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/cryptlex/tokens",
		body: `{"user":"jane.doe@example.com","scopes":["license:read"],"expiresAt":"2030-01-02T00:00:00Z"}`, wantStatus: 201})
	var body struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.Unmarshal(got.body, &body); err != nil || body.AccessToken == "" {
		t.Fatalf("body %s: %v", got.body, err)
	}
	if status, b := credCall(t, srv, "GET", "/v3/personal-access-tokens", "Bearer "+body.AccessToken, ""); status != http.StatusOK {
		t.Errorf("the minted token: %d %s", status, b)
	}
	for _, tt := range []adminCall{
		{"unknown user", "POST", "/_fake/cryptlex/tokens", `{"user":"x","scopes":["license:read"]}`, 400,
			`{"error":"no Cryptlex user \"x\" in the fixtures (users: admin@example.com, jane.doe@example.com)"}`},
		{"unknown field", "POST", "/_fake/cryptlex/tokens", `{"user":"x","scope":["license:read"]}`, 400, ""},
		{"wrong method", "GET", "/_fake/cryptlex/tokens", "", 405, `{"error":"method GET not allowed on /_fake/cryptlex/tokens"}`},
	} {
		checkAdmin(t, srv, nil, tt)
	}
}
