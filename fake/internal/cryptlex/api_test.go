package cryptlex_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestFixtureTokens(t *testing.T) {
	t.Parallel()
	var scopes []string
	testdata(t, "scopes.json", &scopes)
	if diff := cmp.Diff(scopes, cryptlex.Scopes()); diff != "" {
		t.Fatalf("Scopes() differ from Cryptlex's documented scopes (-doc +got):\n%s", diff)
	}
	var readScopes []string
	for _, s := range scopes {
		if strings.HasSuffix(s, ":read") {
			readScopes = append(readScopes, s)
		}
	}
	tests := []struct {
		name     string
		token    string
		id       string
		iat      time.Time
		scopes   []string
		canWrite bool
	}{
		{"CryptlexToken", fixtures.CryptlexToken, fullTokenID, time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), scopes, true},
		{"CryptlexLimitedToken", fixtures.CryptlexLimitedToken, limitedID, time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC), readScopes, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			want := map[string]any{
				"scope": toAny(tt.scopes), "sub": adminID, "email": "admin@example.com", "jti": tt.id,
				"iat": float64(tt.iat.Unix()), "token_usage": "personal_access_token", "tenantid": tenantID,
				"aud": "https://api.cryptlex.com",
			}
			if diff := cmp.Diff(want, parseClaims(t, tt.token)); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
			// The constant is exactly what the fixtures' key signs for these claims.
			resigned := sign(t, &cryptlex.Claims{
				Scope: tt.scopes, Subject: adminID, Email: "admin@example.com", ID: tt.id,
				IssuedAt: jwt.NewNumericDate(tt.iat), TokenUsage: cryptlex.TokenUsage, TenantID: tenantID, Audience: cryptlex.Audience,
			})
			if resigned != tt.token {
				t.Errorf("the constant is not the fixtures' token; regenerate it as:\n%s", resigned)
			}

			do(t, srv, "GET", cryptlex.PathPrefix, tt.token, "").expect(t, http.StatusOK)
			res := do(t, srv, "POST", cryptlex.PathPrefix, tt.token, `{"name":"probe","scopes":["license:read"]}`)
			if got := res.status == http.StatusCreated; got != tt.canWrite {
				t.Errorf("POST status %d; can write = %v, want %v", res.status, got, tt.canWrite)
			}
		})
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// errorCase is a failing request and what Cryptlex answers to it.
type errorCase struct {
	name     string
	method   string
	path     string
	token    string
	body     string
	status   int
	message  string
	header   http.Header
	observer string // token that reads the state before and after; CryptlexToken if empty
}

func TestErrors(t *testing.T) {
	t.Parallel()
	otherKey := mustOtherSigner(t)
	expiredClaims := claimsOf(fullTokenID, adminID, "admin@example.com", cryptlex.Scopes()...)
	expiredClaims.ExpiresAt = jwt.NewNumericDate(testNow.Add(-time.Minute))
	wrongAud := claimsOf(fullTokenID, adminID, "admin@example.com", cryptlex.Scopes()...)
	wrongAud.Audience = "https://example.com"
	wrongUser := claimsOf(fullTokenID, janeID, "jane.doe@example.com", cryptlex.Scopes()...)
	unknownJTI := claimsOf("11111111-2222-4333-8444-555555555555", adminID, "admin@example.com", cryptlex.Scopes()...)
	otherSigned, err := otherKey.Sign(claimsOf(fullTokenID, adminID, "admin@example.com", cryptlex.Scopes()...))
	if err != nil {
		t.Fatal(err)
	}
	full, limited := fixtures.CryptlexToken, fixtures.CryptlexLimitedToken
	item := cryptlex.PathPrefix + "/" + limitedID
	const missing = cryptlex.PathPrefix + "/11111111-2222-4333-8444-555555555555"
	const invalid = "Access token is invalid."
	tests := []errorCase{
		{name: "no token", method: "GET", path: cryptlex.PathPrefix, status: 401, message: "Access token is missing.", header: http.Header{"Www-Authenticate": {"Bearer"}}},
		{name: "token not a JWT", method: "GET", path: cryptlex.PathPrefix, token: "-", status: 401, message: invalid, header: http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}}},
		{name: "garbage token", method: "GET", path: cryptlex.PathPrefix, token: "not.a.jwt", status: 401, message: invalid},
		{name: "other key", method: "POST", path: cryptlex.PathPrefix, token: otherSigned, body: `{"name":"x","scopes":["user:read"]}`, status: 401, message: invalid},
		{name: "wrong audience", method: "GET", path: cryptlex.PathPrefix, token: sign(t, wrongAud), status: 401, message: invalid},
		{name: "subject is not the owner", method: "GET", path: cryptlex.PathPrefix, token: sign(t, wrongUser), status: 401, message: invalid},
		{name: "unknown jti", method: "GET", path: cryptlex.PathPrefix, token: sign(t, unknownJTI), status: 401, message: invalid},
		{name: "expired token", method: "GET", path: cryptlex.PathPrefix, token: sign(t, expiredClaims), status: 401, message: "Access token has expired."},
		{name: "revoked token", method: "GET", path: cryptlex.PathPrefix, token: sign(t, claimsOf(revokedID, adminID, "admin@example.com", "license:read", "license:write")), status: 401, message: "Access token has been revoked."},
		{name: "401 before 403", method: "DELETE", path: item, token: sign(t, unknownJTI), status: 401, message: invalid},

		{name: "create without write scope", method: "POST", path: cryptlex.PathPrefix, token: limited, body: `{"name":"x","scopes":["user:read"]}`, status: 403, message: "Access token does not have the required scope: personalAccessToken:write.", observer: full},
		{name: "revoke without write scope", method: "PATCH", path: cryptlex.PathPrefix + "/" + fullTokenID, token: limited, body: `{"revoked":true}`, status: 403, message: "Access token does not have the required scope: personalAccessToken:write.", observer: full},
		{name: "delete without write scope", method: "DELETE", path: cryptlex.PathPrefix + "/" + fullTokenID, token: limited, status: 403, message: "Access token does not have the required scope: personalAccessToken:write.", observer: full},
		{name: "403 before 400", method: "POST", path: cryptlex.PathPrefix, token: limited, body: `{`, status: 403, message: "Access token does not have the required scope: personalAccessToken:write.", observer: full},

		{name: "body not JSON", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":`, status: 400, message: "The request body must be a JSON object."},
		{name: "body an array", method: "POST", path: cryptlex.PathPrefix, token: full, body: `[]`, status: 400, message: "The request body must be a JSON object."},
		{name: "empty body", method: "POST", path: cryptlex.PathPrefix, token: full, status: 400, message: "The request body must be a JSON object."},
		{name: "name missing", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"scopes":["user:read"]}`, status: 400, message: "name is required."},
		{name: "name empty", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"","scopes":["user:read"]}`, status: 400, message: "name must be between 1 and 256 characters long."},
		{name: "name too long", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"` + strings.Repeat("é", 257) + `","scopes":["user:read"]}`, status: 400, message: "name must be between 1 and 256 characters long."},
		{name: "name not a string", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":7,"scopes":["user:read"]}`, status: 400, message: "name must be a string."},
		{name: "scopes missing", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x"}`, status: 400, message: "scopes is required."},
		{name: "scopes empty", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":[]}`, status: 400, message: "scopes must contain at least one scope."},
		{name: "scopes not strings", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":[1]}`, status: 400, message: "scopes must be an array of strings."},
		{name: "unknown scope", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":["user:read","personalAccessToken:read"]}`, status: 400, message: `scopes contains an unknown scope: "personalAccessToken:read".`},
		{name: "expiresAt in the past", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":["user:read"],"expiresAt":"2026-03-01T11:59:59Z"}`, status: 400, message: "expiresAt must be a date in the future."},
		{name: "expiresAt now", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":["user:read"],"expiresAt":"2026-03-01T12:00:00Z"}`, status: 400, message: "expiresAt must be a date in the future."},
		{name: "expiresAt not a date", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":["user:read"],"expiresAt":"tomorrow"}`, status: 400, message: "expiresAt must be a date-time such as 2019-08-24T14:15:22Z."},
		{name: "expiresAt not a string", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":["user:read"],"expiresAt":1}`, status: 400, message: "expiresAt must be a date-time string."},
		{name: "revoked not a bool", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"x","scopes":["user:read"],"revoked":"yes"}`, status: 400, message: "revoked must be a boolean."},
		{name: "patch without revoked", method: "PATCH", path: item, token: full, body: `{"name":"renamed"}`, status: 400, message: "revoked is required."},
		{name: "patch revoked not a bool", method: "PATCH", path: item, token: full, body: `{"revoked":1}`, status: 400, message: "revoked must be a boolean."},
		{name: "patch 400 before 404", method: "PATCH", path: missing, token: full, body: `{}`, status: 400, message: "revoked is required."},
		{name: "limit 0", method: "GET", path: cryptlex.PathPrefix + "?limit=0", token: full, status: 400, message: "limit must be a number between 1 and 100."},
		{name: "limit 101", method: "GET", path: cryptlex.PathPrefix + "?limit=101", token: full, status: 400, message: "limit must be a number between 1 and 100."},
		{name: "page 0", method: "GET", path: cryptlex.PathPrefix + "?page=0", token: full, status: 400, message: "page must be a positive integer."},
		{name: "bad sort", method: "GET", path: cryptlex.PathPrefix + "?sort=-secret", token: full, status: 400, message: `sort "-secret" is invalid: sort by one of createdAt, updatedAt, name, expiresAt, lastUsedAt, with a leading - for descending order.`},

		{name: "get unknown id", method: "GET", path: missing, token: full, status: 404, message: "Personal access token not found."},
		{name: "get another user's token", method: "GET", path: cryptlex.PathPrefix + "/" + janeTokenID, token: full, status: 404, message: "Personal access token not found."},
		{name: "revoke unknown id", method: "PATCH", path: missing, token: full, body: `{"revoked":true}`, status: 404, message: "Personal access token not found."},
		{name: "revoke another user's token", method: "PATCH", path: cryptlex.PathPrefix + "/" + janeTokenID, token: full, body: `{"revoked":true}`, status: 404, message: "Personal access token not found."},
		{name: "delete unknown id", method: "DELETE", path: missing, token: full, status: 404, message: "Personal access token not found."},
		{name: "delete another user's token", method: "DELETE", path: cryptlex.PathPrefix + "/" + janeTokenID, token: full, status: 404, message: "Personal access token not found."},

		{name: "method not allowed", method: "PUT", path: cryptlex.PathPrefix, token: full, body: `{}`, status: 405, message: "The method is not allowed for this resource.", header: http.Header{"Allow": {"GET, POST"}}},
		{name: "method not allowed on item", method: "POST", path: item, token: full, body: `{}`, status: 405, message: "The method is not allowed for this resource.", header: http.Header{"Allow": {"GET, PATCH, DELETE"}}},
		{name: "method not allowed before authentication", method: "PUT", path: cryptlex.PathPrefix, status: 405, message: "The method is not allowed for this resource.", header: http.Header{"Allow": {"GET, POST"}}},
		{name: "path no route serves", method: "GET", path: cryptlex.PathPrefix + "/", token: full, status: 404, message: "The resource was not found."},
		{name: "path no route serves, before authentication", method: "DELETE", path: item + "/x", status: 404, message: "The resource was not found."},

		{name: "duplicate live name", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"` + fullTokenName + `","scopes":["user:read"]}`, status: 409, message: "A personal access token with this name already exists."},

		{name: "body too large", method: "POST", path: cryptlex.PathPrefix, token: full, body: `{"name":"` + strings.Repeat("a", 1<<20) + `","scopes":["user:read"]}`, status: 413, message: "The request body is too large: the limit is 1048576 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkError(t, start(t), tt)
		})
	}
}

// checkError sends tt's request and checks the answer and that the state
// did not change.
func checkError(t *testing.T, srv *fake.Server, tt errorCase) {
	t.Helper()
	observer := tt.observer
	if observer == "" {
		observer = fixtures.CryptlexLimitedToken
	}
	before := snapshot(t, srv, observer)
	res := do(t, srv, tt.method, tt.path, tt.token, tt.body)
	res.expect(t, tt.status)
	var body map[string]string
	res.decode(t, &body)
	want := map[string]string{"message": tt.message, "code": strings.ReplaceAll(http.StatusText(tt.status), " ", "")}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	checkErrorHeaders(t, res.header, tt.header)
	if diff := cmp.Diff(before, snapshot(t, srv, observer), jsonComparer()); diff != "" {
		t.Errorf("the failed request changed the state (-before +after):\n%s", diff)
	}
}

func jsonComparer() cmp.Option {
	return cmp.Transformer("json", func(r json.RawMessage) any {
		var v any
		_ = json.Unmarshal(r, &v)
		return v
	})
}

func mustOtherSigner(t *testing.T) *cryptlex.Signer {
	t.Helper()
	s, err := cryptlex.NewSigner(readTestdata(t, "other-signing-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// create makes a token with token and returns the new access token.
func create(t *testing.T, srv *fake.Server, token, body string) string {
	t.Helper()
	res := do(t, srv, "POST", cryptlex.PathPrefix, token, body)
	res.expect(t, http.StatusCreated)
	var out map[string]string
	res.decode(t, &out)
	if len(out) != 1 || out["accessToken"] == "" {
		t.Fatalf("create answered %s, want {\"accessToken\": ...}", res.body)
	}
	if loc := res.header.Get("Location"); loc != "" {
		t.Errorf("Location = %q", loc)
	}
	return out["accessToken"]
}

func TestFlow(t *testing.T) {
	t.Parallel()
	srv := start(t)
	full := fixtures.CryptlexToken

	// Create.
	tok := create(t, srv, full, `{"name":"ci pipeline","scopes":["license:read","personalAccessToken:write","license:read"],"expiresAt":"2027-01-01T00:00:00Z","extra":"ignored"}`)
	claims := parseClaims(t, tok)
	id, _ := claims["jti"].(string)
	wantClaims := map[string]any{
		"scope": []any{"license:read", "personalAccessToken:write"}, "sub": adminID, "email": "admin@example.com",
		"jti": id, "iat": float64(testNow.Unix()), "exp": float64(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Unix()),
		"token_usage": "personal_access_token", "tenantid": tenantID, "aud": "https://api.cryptlex.com",
	}
	if diff := cmp.Diff(wantClaims, claims); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}

	// List: the new token is last (ascending by creation).
	res := do(t, srv, "GET", cryptlex.PathPrefix, full, "")
	res.expect(t, http.StatusOK)
	var list []map[string]any
	res.decode(t, &list)
	if len(list) != 4 || list[3]["id"] != id {
		t.Fatalf("list = %v, want the 3 fixture tokens of admin and the new one last", ids(list))
	}
	got := list[3]
	if got["name"] != "ci pipeline" || got["revoked"] != false || got["expiresAt"] != "2027-01-01T00:00:00Z" ||
		got["createdAt"] != "2026-03-01T12:00:00Z" || got["lastUsedAt"] != nil || got["userId"] != adminID {
		t.Errorf("new token = %v", got)
	}

	// Authenticate with it: it may read, and write (it has the scope).
	srv.Clock().Advance(time.Minute)
	do(t, srv, "GET", cryptlex.PathPrefix+"/"+id, tok, "").expect(t, http.StatusOK)
	res = do(t, srv, "GET", cryptlex.PathPrefix+"/"+id, full, "")
	res.expect(t, http.StatusOK)
	var one map[string]any
	res.decode(t, &one)
	if one["lastUsedAt"] != "2026-03-01T12:01:00Z" {
		t.Errorf("lastUsedAt = %v, want the time of its use", one["lastUsedAt"])
	}
	second := create(t, srv, tok, `{"name":"made by the new token","scopes":["user:read"]}`)

	// Revoke it: 200 with the token, then it no longer authenticates.
	res = do(t, srv, "PATCH", cryptlex.PathPrefix+"/"+id, full, `{"revoked":true,"name":"ignored"}`)
	res.expect(t, http.StatusOK)
	res.decode(t, &one)
	if one["revoked"] != true || one["name"] != "ci pipeline" || one["updatedAt"] != "2026-03-01T12:01:00Z" {
		t.Errorf("revoked token = %v", one)
	}
	checkUnauthorized(t, srv, tok, "Access token has been revoked.")

	// The same name is free again once the first is revoked.
	create(t, srv, full, `{"name":"ci pipeline","scopes":["license:read"]}`)
	// Un-revoking the first would make two live tokens of that name.
	res = do(t, srv, "PATCH", cryptlex.PathPrefix+"/"+id, full, `{"revoked":false}`)
	res.expect(t, http.StatusConflict)

	// Delete the second: 204, then it no longer authenticates and is gone.
	secondID := parseClaims(t, second)["jti"].(string)
	do(t, srv, "GET", cryptlex.PathPrefix, second, "").expect(t, http.StatusOK)
	do(t, srv, "DELETE", cryptlex.PathPrefix+"/"+secondID, full, "").expect(t, http.StatusNoContent)
	checkUnauthorized(t, srv, second, "Access token is invalid.")
	do(t, srv, "GET", cryptlex.PathPrefix+"/"+secondID, full, "").expect(t, http.StatusNotFound)
}

func checkUnauthorized(t *testing.T, srv *fake.Server, tok, message string) {
	t.Helper()
	res := do(t, srv, "GET", cryptlex.PathPrefix, tok, "")
	res.expect(t, http.StatusUnauthorized)
	var body map[string]string
	res.decode(t, &body)
	if body["message"] != message || body["code"] != "Unauthorized" {
		t.Errorf("body = %v, want message %q", body, message)
	}
	if got := res.header.Get("WWW-Authenticate"); got != `Bearer error="invalid_token"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

func ids(list []map[string]any) []any {
	var out []any
	for _, m := range list {
		out = append(out, m["id"])
	}
	return out
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	srv := start(t)
	tok := create(t, srv, fixtures.CryptlexToken, `{"name":"short","scopes":["user:read"],"expiresAt":"2026-03-01T12:00:30Z"}`)
	do(t, srv, "GET", cryptlex.PathPrefix, tok, "").expect(t, http.StatusOK)
	// A second live token with the same name is a conflict until the first expires.
	do(t, srv, "POST", cryptlex.PathPrefix, fixtures.CryptlexToken, `{"name":"short","scopes":["user:read"]}`).expect(t, http.StatusConflict)
	srv.Clock().Advance(30 * time.Second)
	checkUnauthorized(t, srv, tok, "Access token has expired.")
	create(t, srv, fixtures.CryptlexToken, `{"name":"short","scopes":["user:read"]}`)
}

func TestShape(t *testing.T) {
	t.Parallel()
	srv := start(t)
	var shape map[string][]string
	testdata(t, "shape.json", &shape)
	res := do(t, srv, "GET", cryptlex.PathPrefix+"/"+fullTokenID, fixtures.CryptlexToken, "")
	res.expect(t, http.StatusOK)
	var tok map[string]any
	res.decode(t, &tok)
	checkKeys(t, "pat", tok, shape["pat"])
	user := tok["user"].(map[string]any)
	checkKeys(t, "user", user, shape["user"])
	org := user["organization"].(map[string]any)
	checkKeys(t, "organization", org, shape["organization"])
	checkKeys(t, "address", org["address"].(map[string]any), shape["address"])
	checkKeys(t, "organization.reseller", org["reseller"].(map[string]any), shape["reseller"])
	checkKeys(t, "user.reseller", user["reseller"].(map[string]any), shape["reseller"])
	checkKeys(t, "metadata", user["metadata"].([]any)[0].(map[string]any), shape["metadata"])
	checkKeys(t, "emailPreference", user["emailPreference"].(map[string]any), shape["emailPreference"])
	checkKeys(t, "claims", parseClaims(t, fixtures.CryptlexToken), shape["claims"])
	if tok["expiresAt"] != nil || tok["lastRotatedAt"] != nil || user["email"] != "admin@example.com" || org["name"] != "Contoso Ltd" {
		t.Errorf("token = %v", tok)
	}
	// Error bodies.
	res = do(t, srv, "GET", cryptlex.PathPrefix, "", "")
	var e map[string]any
	res.decode(t, &e)
	checkKeys(t, "error", e, shape["error"])
}

func checkKeys(t *testing.T, what string, obj map[string]any, want []string) {
	t.Helper()
	var got []string
	for k := range obj {
		got = append(got, k)
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s fields (-want +got):\n%s", what, diff)
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	srv := start(t)
	full := fixtures.CryptlexToken
	for _, name := range []string{"beta", "alpha", "Gamma build"} {
		create(t, srv, full, `{"name":"`+name+`","scopes":["user:read"]}`)
		srv.Clock().Advance(time.Second)
	}
	names := func(query string) []any {
		t.Helper()
		res := do(t, srv, "GET", cryptlex.PathPrefix+query, full, "")
		res.expect(t, http.StatusOK)
		var list []map[string]any
		res.decode(t, &list)
		out := []any{}
		for _, m := range list {
			out = append(out, m["name"])
		}
		return out
	}
	all := []any{"old ci", fullTokenName, "reporting (read only)", "beta", "alpha", "Gamma build"}
	tests := []struct {
		query string
		want  []any
	}{
		{"", all},
		{"?sort=createdAt", all},
		{"?sort=-createdAt", []any{"Gamma build", "alpha", "beta", "reporting (read only)", fullTokenName, "old ci"}},
		{"?sort=name", []any{"Gamma build", "alpha", fullTokenName, "beta", "old ci", "reporting (read only)"}},
		{"?sort=-name&limit=2", []any{"reporting (read only)", "old ci"}},
		{"?limit=4&page=2", []any{"alpha", "Gamma build"}},
		{"?limit=4&page=3", []any{}},
		{"?page=9223372036854775807", []any{}},
		{"?search=GAMMA", []any{"Gamma build"}},
		{"?search=a&sort=name&limit=2&page=2", []any{fullTokenName, "beta"}},
		{"?search=nothing", []any{}},
		{"?unknown=1", all},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, names(tt.query)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.query, diff)
		}
	}
}

func TestDefaultLimit(t *testing.T) {
	t.Parallel()
	srv := start(t)
	for i := range 12 {
		create(t, srv, fixtures.CryptlexToken, `{"name":"t`+string(rune('a'+i))+`","scopes":["user:read"]}`)
	}
	res := do(t, srv, "GET", cryptlex.PathPrefix, fixtures.CryptlexToken, "")
	res.expect(t, http.StatusOK)
	var list []any
	res.decode(t, &list)
	if len(list) != 10 {
		t.Errorf("a list without limit has %d tokens, want 10", len(list))
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(testNow))
	for i := range cryptlex.RateLimit {
		res := do(t, srv, "GET", cryptlex.PathPrefix, fixtures.CryptlexToken, "")
		res.expect(t, http.StatusOK)
		want := http.Header{
			"X-Rate-Limit-Limit":     {"5s"},
			"X-Rate-Limit-Remaining": {jsonInt(cryptlex.RateLimit - 1 - i)},
			"X-Rate-Limit-Reset":     {"2026-03-01T12:00:05.0000000Z"},
		}
		if diff := cmp.Diff(want, pick(res.header, want)); diff != "" {
			t.Fatalf("request %d headers (-want +got):\n%s", i+1, diff)
		}
		srv.Clock().Advance(50 * time.Millisecond)
	}
	before := snapshotUnlimited(t, srv)
	// The 51st request (2.5 s into the window), whatever its token, is refused.
	res := do(t, srv, "POST", cryptlex.PathPrefix, fixtures.CryptlexToken, `{"name":"x","scopes":["user:read"]}`)
	res.expect(t, http.StatusTooManyRequests)
	want := http.Header{
		"X-Rate-Limit-Limit":     {"5s"},
		"X-Rate-Limit-Remaining": {"0"},
		"X-Rate-Limit-Reset":     {"2026-03-01T12:00:05.0000000Z"},
		"Retry-After":            {"3"},
	}
	if diff := cmp.Diff(want, pick(res.header, want)); diff != "" {
		t.Errorf("429 headers (-want +got):\n%s", diff)
	}
	var body map[string]string
	res.decode(t, &body)
	if diff := cmp.Diff(map[string]string{"message": "API calls quota exceeded! maximum admitted 50 per 5s.", "code": "TooManyRequests"}, body); diff != "" {
		t.Errorf("429 body (-want +got):\n%s", diff)
	}
	do(t, srv, "GET", cryptlex.PathPrefix, "", "").expect(t, http.StatusTooManyRequests)
	if diff := cmp.Diff(before, snapshotUnlimited(t, srv), jsonComparer()); diff != "" {
		t.Errorf("the refused request changed the state:\n%s", diff)
	}

	// 5 s after the window opened, a new one opens.
	srv.Clock().Advance(5*time.Second - cryptlex.RateLimit*50*time.Millisecond)
	res = do(t, srv, "GET", cryptlex.PathPrefix, fixtures.CryptlexToken, "")
	res.expect(t, http.StatusOK)
	want = http.Header{"X-Rate-Limit-Remaining": {"49"}, "X-Rate-Limit-Reset": {"2026-03-01T12:00:10.0000000Z"}}
	if diff := cmp.Diff(want, pick(res.header, want)); diff != "" {
		t.Errorf("headers in the next window (-want +got):\n%s", diff)
	}
}

// snapshotUnlimited reads the state through the server's handler directly,
// from an address of its own, so the reads do not count against the test's
// client.
func snapshotUnlimited(t *testing.T, srv *fake.Server) string {
	t.Helper()
	return snapshotVia(t, srv, "192.0.2.1:1234")
}

func jsonInt(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func pick(h, keys http.Header) http.Header {
	out := http.Header{}
	for k := range keys {
		out[k] = h.Values(k)
	}
	return out
}

func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	srv := start(t)
	for range cryptlex.RateLimit + 10 {
		res := do(t, srv, "GET", cryptlex.PathPrefix, fixtures.CryptlexToken, "")
		res.expect(t, http.StatusOK)
		if got := res.header.Get("X-Rate-Limit-Remaining"); got != "50" {
			t.Fatalf("X-Rate-Limit-Remaining = %q with the limit off, want 50", got)
		}
	}
}

func TestConcurrentCreateDelete(t *testing.T) {
	t.Parallel()
	srv := start(t)
	const workers, perWorker = 8, 6
	var wg sync.WaitGroup
	created := make([][]string, workers)
	errs := make(chan string, workers*perWorker*2)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				body := `{"name":"w` + jsonInt(w) + `-` + jsonInt(i) + `","scopes":["user:read"]}`
				req, _ := http.NewRequest("POST", srv.URL()+cryptlex.PathPrefix, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
				res, err := srv.Client().Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				var out map[string]string
				_ = json.NewDecoder(res.Body).Decode(&out)
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					errs <- "create: " + res.Status
					continue
				}
				created[w] = append(created[w], out["accessToken"])
				if i%2 == 1 { // delete every second one
					id := jtiOf(out["accessToken"])
					req, _ := http.NewRequest("DELETE", srv.URL()+cryptlex.PathPrefix+"/"+id, nil)
					req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
					res, err := srv.Client().Do(req)
					if err != nil {
						errs <- err.Error()
						continue
					}
					res.Body.Close()
					if res.StatusCode != http.StatusNoContent {
						errs <- "delete: " + res.Status
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var list []map[string]any
	for page := 1; ; page++ {
		res := do(t, srv, "GET", cryptlex.PathPrefix+"?limit=7&page="+jsonInt(page), fixtures.CryptlexLimitedToken, "")
		res.expect(t, http.StatusOK)
		var items []map[string]any
		res.decode(t, &items)
		list = append(list, items...)
		if len(items) < 7 {
			break
		}
	}
	seen := map[any]bool{}
	for _, m := range list {
		if seen[m["id"]] {
			t.Errorf("id %v listed twice", m["id"])
		}
		seen[m["id"]] = true
	}
	if want := 3 + workers*perWorker/2; len(list) != want {
		t.Errorf("%d tokens listed, want %d", len(list), want)
	}
	for w := range workers {
		for i, tok := range created[w] {
			status := do(t, srv, "GET", cryptlex.PathPrefix+"?limit=1", tok, "").status
			if want := map[bool]int{true: 401, false: 200}[i%2 == 1]; status != want {
				t.Errorf("worker %d token %d: status %d, want %d", w, i, status, want)
			}
		}
	}
}

func jtiOf(tok string) string {
	claims := jwt.MapClaims{}
	_, _, _ = jwt.NewParser().ParseUnverified(tok, claims)
	id, _ := claims["jti"].(string)
	return id
}

func TestReset(t *testing.T) {
	t.Parallel()
	srv := start(t)
	before := snapshot(t, srv, fixtures.CryptlexLimitedToken)
	tok := create(t, srv, fixtures.CryptlexToken, `{"name":"temporary","scopes":["user:read"]}`)
	do(t, srv, "DELETE", cryptlex.PathPrefix+"/"+limitedID, fixtures.CryptlexToken, "").expect(t, http.StatusNoContent)
	srv.Reset()
	checkUnauthorized(t, srv, tok, "Access token is invalid.")
	if diff := cmp.Diff(before, snapshot(t, srv, fixtures.CryptlexLimitedToken), jsonComparer()); diff != "" {
		t.Errorf("state after Reset (-fixtures +got):\n%s", diff)
	}
}

func TestSeedRepeatsTokens(t *testing.T) {
	t.Parallel()
	a, b := start(t, fake.WithSeed(42)), start(t, fake.WithSeed(42))
	body := `{"name":"same","scopes":["user:read"]}`
	if x, y := create(t, a, fixtures.CryptlexToken, body), create(t, b, fixtures.CryptlexToken, body); x != y {
		t.Errorf("two servers with one seed issued different tokens")
	}
}

// TestCreateExpiresAtForms: expiresAt is read in the ISO 8601 forms a .NET
// JSON reader accepts (what Cryptlex's .NET clients send for a DateTime),
// a time without a zone as UTC.
func TestCreateExpiresAtForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want "" when the form is refused
	}{
		{"2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"2027-01-01T02:00:00+02:00", "2027-01-01T00:00:00Z"},
		{"2027-01-01T00:00:00.1234567Z", "2027-01-01T00:00:00.123456Z"},
		{"2027-01-01T00:00:00", "2027-01-01T00:00:00Z"},
		{"2027-01-01T00:00:00.5", "2027-01-01T00:00:00.5Z"},
		{"2027-01-01T00:00", "2027-01-01T00:00:00Z"},
		{"2027-01-01T00:00+01:00", "2026-12-31T23:00:00Z"},
		{"2027-01-01", "2027-01-01T00:00:00Z"},
		{"2027-01-01 00:00:00", ""},
		{"01/01/2027", ""},
		{"2027-13-01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			res := do(t, srv, "POST", cryptlex.PathPrefix, fixtures.CryptlexToken,
				`{"name":"x","scopes":["user:read"],"expiresAt":"`+tt.in+`"}`)
			if tt.want == "" {
				res.expect(t, http.StatusBadRequest)
				return
			}
			res.expect(t, http.StatusCreated)
			var out map[string]string
			res.decode(t, &out)
			claims := parseClaims(t, out["accessToken"])
			got := do(t, srv, "GET", cryptlex.PathPrefix+"/"+claims["jti"].(string), fixtures.CryptlexToken, "")
			got.expect(t, http.StatusOK)
			var tok map[string]any
			got.decode(t, &tok)
			if tok["expiresAt"] != tt.want {
				t.Errorf("expiresAt = %v, want %s", tok["expiresAt"], tt.want)
			}
			want, _ := time.Parse(time.RFC3339Nano, tt.want)
			if exp := claims["exp"]; exp != float64(want.Unix()) {
				t.Errorf("exp claim = %v, want %d", exp, want.Unix())
			}
		})
	}
}
