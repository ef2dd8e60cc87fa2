package cryptlex_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/apitest"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// testNow is the instant the tests' clocks stand at.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// IDs of the default fixtures.
const (
	adminID       = "5e0b9c7a-2d4f-4b1e-8c3a-6f7d1e9b2a45"
	janeID        = "c7f2a9e1-4b3d-4a8c-9e6f-1d5b8a2c7e39"
	tenantID      = "d2c9f3a4-6b1e-4f7a-9c3d-2e8b5a7f1c60"
	fullTokenID   = "0b6e4f2a-7c1d-4e8b-a5f3-9d2c6b1e8a70"
	limitedID     = "a3d8c5e1-9f2b-4c6a-8e7d-4b1f0c9a2e56"
	revokedID     = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
	janeTokenID   = "9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
	fullTokenName = "automation (all scopes)"
)

// start returns a server with its clock stopped at testNow and the rate
// limit off, unless opts say otherwise.
func start(t *testing.T, opts ...fake.Option) *fake.Server {
	t.Helper()
	return fake.Start(t, append([]fake.Option{fake.WithTime(testNow), fake.WithSeed(7), fake.WithoutCryptlexRateLimit()}, opts...)...)
}

// response is a finished request.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with token as bearer token (none if empty).
func do(t *testing.T, srv *fake.Server, method, path, token, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: b}
	validate(t, req, out)
	return out
}

// openAPI checks answers against testdata/cryptlex/openapi.json: the PAT
// routes with the field names, JSON types and statuses Cryptlex documents,
// the nullability of its generated clients, and the rate-limit headers of
// every answer.
var openAPI = sync.OnceValues(func() (*apitest.OpenAPI, error) {
	return apitest.LoadOpenAPI(filepath.Join("..", "..", "..", "testdata", "cryptlex", "openapi.json"))
})

// validate checks resp, the answer to req, against the OpenAPI document:
// status, headers and body. Methods and paths the document does not have
// (405 answers, unknown paths) and statuses it does not list (scripted
// errors) are checked by the tests themselves.
func validate(t *testing.T, req *http.Request, resp response) {
	t.Helper()
	checker, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	if err := checker.Check(req, resp.status, resp.header, resp.body); err != nil && !errors.Is(err, apitest.ErrNotDocumented) {
		t.Errorf("%v\nbody: %s", err, resp.body)
	}
}

// decode decodes r's JSON body into v.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// expect fails t unless r has status and a JSON content type (for a body).
func (r response) expect(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if status == http.StatusNoContent {
		if len(r.body) != 0 {
			t.Errorf("204 with body %q", r.body)
		}
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q, want application/json; charset=utf-8", ct)
	}
}

// snapshot is every token of the fixtures' two users, as their list shows
// them, read with observer (a token of admin) and a token of jane.
func snapshot(t *testing.T, srv *fake.Server, observer string) []json.RawMessage {
	t.Helper()
	var all []json.RawMessage
	for _, tok := range []string{observer, janeToken(t)} {
		for page := 1; ; page++ {
			res := do(t, srv, "GET", cryptlex.PathPrefix+"?limit=100&page="+strconv.Itoa(page), tok, "")
			res.expect(t, http.StatusOK)
			var items []json.RawMessage
			res.decode(t, &items)
			all = append(all, items...)
			if len(items) < 100 {
				break
			}
		}
	}
	return all
}

// fixtureSigner signs tokens with the default fixtures' key.
func fixtureSigner(t testing.TB) *cryptlex.Signer {
	t.Helper()
	pem, err := fs.ReadFile(fixtures.FS(), cryptlex.KeyFile)
	if err != nil {
		t.Fatalf("read key: %v", err)
	}
	s, err := cryptlex.NewSigner(pem)
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	return s
}

// sign returns the signed token of c with the fixtures' key.
func sign(t testing.TB, c *cryptlex.Claims) string {
	t.Helper()
	tok, err := fixtureSigner(t).Sign(c)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return tok
}

// claimsOf returns well-formed claims for the fixture token id of user.
func claimsOf(id, userID, email string, scopes ...string) *cryptlex.Claims {
	return &cryptlex.Claims{
		Scope: scopes, Subject: userID, Email: email, ID: id,
		IssuedAt:   jwt.NewNumericDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		TokenUsage: cryptlex.TokenUsage, TenantID: tenantID, Audience: cryptlex.Audience,
	}
}

// janeToken is a token for the fixture token of the user jane.
func janeToken(t testing.TB) string {
	t.Helper()
	return sign(t, claimsOf(janeTokenID, janeID, "jane.doe@example.com", "license:read", "product:read"))
}

// parseClaims checks tok's signature with the fixtures' public key and
// returns its claims as a JSON object.
func parseClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	pem, err := fs.ReadFile(fixtures.FS(), cryptlex.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM(pem)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return &key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	if parsed.Header["typ"] != "JWT" {
		t.Errorf("typ header = %v", parsed.Header["typ"])
	}
	return claims
}

// readTestdata returns a file of testdata/cryptlex.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "cryptlex", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testdata decodes a JSON file of testdata/cryptlex into v.
func testdata(t *testing.T, name string, v any) {
	t.Helper()
	b := readTestdata(t, name)
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// checkErrorHeaders checks the headers of an error answered at testNow
// (2026-03-01T12:00:00Z) to a client with a fresh rate-limit window: the X-Rate-Limit-* headers of that
// window, with the values of want added or put in their place.
func checkErrorHeaders(t *testing.T, got, want http.Header) {
	t.Helper()
	all := http.Header{
		"X-Rate-Limit-Limit":     {"5s"},
		"X-Rate-Limit-Remaining": {"50"},
		"X-Rate-Limit-Reset":     {"2026-03-01T12:00:05.0000000Z"},
	}
	for k, v := range want {
		all[k] = v
	}
	seen := http.Header{}
	for k := range all {
		seen[k] = got.Values(k)
	}
	if diff := cmp.Diff(all, seen); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
}
