package cryptlex_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/apitest"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// fuzzMethods are the methods a fuzz input picks from.
var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut, http.MethodHead, http.MethodOptions, "PROPFIND", "get"}

// fuzzState lists the PATs of both fixture users and creates one PAT, whose
// token shows what the id generator gives next.
func fuzzState(t *testing.T, h http.Handler, jane string) string {
	t.Helper()
	var out strings.Builder
	for _, tok := range []string{fixtures.CryptlexToken, jane} {
		req := httptest.NewRequest(http.MethodGet, cryptlex.PathPrefix+"?limit=100", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := apitest.Serve(t, h, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
		out.WriteString(rec.Body.String() + "\n")
	}
	req := httptest.NewRequest(http.MethodPost, cryptlex.PathPrefix, strings.NewReader(`{"name":"fuzz probe","scopes":["license:read"]}`))
	req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
	req.Header.Set("Content-Type", "application/json")
	rec := apitest.Serve(t, h, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("probe create: %d %s", rec.Code, rec.Body)
	}
	out.WriteString(rec.Body.String())
	return out.String()
}

// FuzzPATs sends arbitrary methods, paths under /v3/personal-access-tokens,
// query strings, bodies and credentials. The fake never panics, hangs or
// answers 5xx, answers every failure with Cryptlex's {"message","code"}
// JSON, and a failed request changes no PAT and draws no id.
//
// pick selects the method (bits 0-3), the credential (4-6) and whether the
// input's own Authorization header is sent instead (bit 7).
func FuzzPATs(f *testing.F) {
	jane := janeToken(f)
	revoked := sign(f, claimsOf(revokedID, adminID, "admin@example.com", "personalAccessToken:write"))
	other := sign(f, claimsOf(fullTokenID, janeID, "jane.doe@example.com", "personalAccessToken:write"))
	expired := claimsOf(fullTokenID, adminID, "admin@example.com", "personalAccessToken:write")
	expired.ExpiresAt = expired.IssuedAt
	auths := []string{
		"Bearer " + fixtures.CryptlexToken,
		"Bearer " + fixtures.CryptlexLimitedToken,
		"Bearer " + jane,
		"Bearer " + revoked,
		"Bearer " + other, // a real PAT id under the wrong user
		"Bearer " + sign(f, expired),
		"",
	}
	add := func(method, path, auth, body string) {
		m, a, own := 0, 0, uint8(128)
		for i, v := range fuzzMethods {
			if v == method {
				m = i
			}
		}
		for i, v := range auths {
			if v == auth {
				a, own = i, 0
			}
		}
		f.Add(uint8(m)|uint8(a)<<4|own, path, auth, []byte(body))
	}
	full := "Bearer " + fixtures.CryptlexToken
	limited := "Bearer " + fixtures.CryptlexLimitedToken
	for _, q := range []string{"", "/", "?page=2&limit=1", "?page=0", "?page=-1", "?page=x", "?limit=0", "?limit=101", "?limit=1e3",
		"?page=99999999999999999999", "?page=9223372036854775807&limit=100", "?sort=-name", "?sort=--name", "?sort=", "?sort=-", "?sort=nope",
		"?search=AUTO", "?search=%ff", "?search=%", "?query=x&id=1", "?page=1&page=2"} {
		add("GET", q, full, "")
	}
	for _, p := range []string{"/" + fullTokenID, "/" + janeTokenID, "/" + revokedID, "/nope", "/" + strings.ToUpper(fullTokenID), "//" + fullTokenID, "/" + fullTokenID + "/x", "/%00", "/.."} {
		add("GET", p, full, "")
		add("DELETE", p, full, "")
	}
	add("GET", "", "", "")
	add("GET", "", "Bearer", "")
	add("GET", "", "Bearer x.y.z", "")
	add("GET", "", "bearer "+fixtures.CryptlexToken, "")
	add("GET", "", "Basic "+fixtures.CryptlexToken, "")
	add("GET", "", fixtures.CryptlexToken, "")
	add("GET", "", "Bearer "+fixtures.CryptlexToken+".", "")
	add("GET", "", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "")
	add("GET", "", "Bearer "+revoked, "")
	add("GET", "", "Bearer "+other, "")
	add("HEAD", "", full, "")
	add("OPTIONS", "", full, "")
	add("PUT", "", full, "{}")
	add("PROPFIND", "/"+fullTokenID, full, "")
	add("DELETE", "", full, "")
	add("DELETE", "/"+limitedID, limited, "")
	for _, b := range []string{`{"name":"ci","scopes":["license:read"]}`, `{"name":"ci","scopes":["license:read"],"expiresAt":"2030-01-01T00:00:00Z"}`,
		`{"name":"ci","scopes":["license:read"],"expiresAt":"2030-01-01"}`, `{"name":"ci","scopes":["license:read"],"expiresAt":"2030-01-01T00:00"}`,
		`{"name":"ci","scopes":["license:read"],"expiresAt":"2020-01-01T00:00:00Z"}`, `{"name":"ci","scopes":["license:read"],"expiresAt":"9999-12-31T23:59:59.999999999-14:00"}`,
		`{"name":"ci","scopes":["license:read"],"expiresAt":"+10000-01-01T00:00:00Z"}`, `{"name":"ci","scopes":["license:read"],"expiresAt":""}`,
		`{"name":"ci","scopes":["license:read"],"expiresAt":null,"revoked":null}`, `{"name":"ci","scopes":["license:read"],"expiresAt":5}`,
		`{"name":"automation (all scopes)","scopes":["license:read"]}`, `{"name":"old ci","scopes":["license:read"],"revoked":true}`,
		`{"name":"","scopes":["license:read"]}`, `{"name":7,"scopes":["license:read"]}`, `{"name":"` + strings.Repeat("x", 257) + `","scopes":["license:read"]}`,
		`{"name":"ci","scopes":[]}`, `{"name":"ci","scopes":"license:read"}`, `{"name":"ci","scopes":[1]}`, `{"name":"ci","scopes":["nope"]}`, `{"name":"ci"}`,
		`{"name":"ci","scopes":["license:read"],"revoked":"yes"}`, `{}`, `[]`, `null`, ``, `not json`, `{"name":"ci"`, `{"name":"\ud800","scopes":["license:read"]}`,
		`{"name":"ci","scopes":["license:read"]} {}`} {
		add("POST", "", full, b)
	}
	add("POST", "", limited, `{"name":"ci","scopes":["license:read"]}`)
	for _, b := range []string{`{"revoked":true}`, `{"revoked":false}`, `{"revoked":null}`, `{"revoked":"true"}`, `{}`, `[]`, ``, `{"name":"x","revoked":true}`} {
		add("PATCH", "/"+limitedID, full, b)
		add("PATCH", "/"+revokedID, full, b)
	}
	add("PATCH", "/"+janeTokenID, full, `{"revoked":true}`)
	add("PATCH", "/"+limitedID, limited, `{"revoked":true}`)

	srv, err := fake.NewServer(fake.WithSeed(9), fake.WithTime(testNow), fake.WithoutCryptlexRateLimit())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	h := srv.Handler()
	before := ""

	f.Fuzz(func(t *testing.T, pick uint8, suffix, auth string, body []byte) {
		srv.Reset()
		if before == "" {
			before = fuzzState(t, h, jane)
			srv.Reset()
		}
		method := fuzzMethods[int(pick&15)%len(fuzzMethods)]
		cred := auths[int(pick>>4&7)%len(auths)]
		if pick&128 != 0 {
			cred = auth
		}
		path, query, _ := strings.Cut(suffix, "?")
		if path != "" && path[0] != '/' {
			path = "/" + path // stay under the API's prefix
		}
		req := httptest.NewRequest(method, cryptlex.PathPrefix, bytes.NewReader(body))
		req.URL.Path = cryptlex.PathPrefix + path
		req.URL.RawQuery = query
		req.RequestURI = req.URL.RequestURI()
		if cred != "" {
			req.Header["Authorization"] = []string{cred}
		}
		req.Header.Set("Content-Type", "application/json")
		rec := apitest.Serve(t, h, req)

		if rec.Code >= 200 && rec.Code < 300 {
			return
		}
		if rec.Code >= 500 || rec.Code < 400 {
			t.Fatalf("%s %q: status %d: %s", method, req.URL, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
			t.Fatalf("%s %q: status %d with content type %q; body %q", method, req.URL, rec.Code, got, rec.Body)
		}
		if method != http.MethodHead {
			var e map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("%s %q: status %d, body not JSON: %v: %q", method, req.URL, rec.Code, err, rec.Body)
			}
			var msg, code string
			if json.Unmarshal(e["message"], &msg) != nil || msg == "" || json.Unmarshal(e["code"], &code) != nil || code == "" || len(e) != 2 {
				t.Fatalf("%s %q: status %d, body is not {\"message\",\"code\"}: %s", method, req.URL, rec.Code, rec.Body)
			}
		}
		if rec.Code == http.StatusUnauthorized && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("401 with WWW-Authenticate %q", rec.Header().Get("WWW-Authenticate"))
		}
		if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
			t.Fatalf("405 without Allow")
		}
		if after := fuzzState(t, h, jane); after != before {
			t.Fatalf("%s %q failed (%d %s) but changed the PATs:\nbefore %s\nafter  %s", method, req.URL, rec.Code, rec.Body, before, after)
		}
	})
}
