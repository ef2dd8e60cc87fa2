package unleash_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/apitest"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// fuzzMethods are the methods a fuzz input picks from.
var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPut, http.MethodPatch, http.MethodHead, http.MethodOptions, "PROPFIND", "get"}

// fuzzAuth are the Authorization headers a fuzz input picks from; "" sends
// none. Inputs may also bring their own.
var fuzzAuth = []string{
	fixtures.UnleashToken,
	"Bearer " + fixtures.UnleashToken,
	janePAT,
	expiredAdminPAT,
	fixtures.UnleashAdminToken,
	"Bearer " + fixtures.UnleashAdminToken,
	"",
}

// fuzzContentTypes are the content types a fuzz input picks from; the
// input may also bring its own.
var fuzzContentTypes = []string{"application/json", "application/json; charset=utf-8", "", "text/plain", "application/merge-patch+json", "application/x-www-form-urlencoded"}

// fuzzState lists the PATs of both users and creates one PAT, whose id and
// secret show what the id sequence and the generator give next.
func fuzzState(t *testing.T, h http.Handler) string {
	t.Helper()
	var out strings.Builder
	for _, tok := range []string{fixtures.UnleashToken, janePAT} {
		req := httptest.NewRequest(http.MethodGet, tokensPath, nil)
		req.Header.Set("Authorization", tok)
		rec := apitest.Serve(t, h, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
		out.WriteString(rec.Body.String() + "\n")
	}
	req := httptest.NewRequest(http.MethodPost, tokensPath, strings.NewReader(`{"description":"fuzz probe","expiresAt":"2030-01-01T00:00:00.000Z"}`))
	req.Header.Set("Authorization", fixtures.UnleashToken)
	req.Header.Set("Content-Type", "application/json")
	rec := apitest.Serve(t, h, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("probe create: %d %s", rec.Code, rec.Body)
	}
	out.WriteString(rec.Body.String())
	return out.String()
}

// FuzzPATs sends arbitrary methods, paths under /api/admin/user/tokens,
// content types, bodies and credentials. The fake never panics or hangs,
// answers no 5xx but the documented one (DELETE of an existing PAT with the
// admin API token), answers every other failure with Unleash's JSON error
// body, and a failed request changes no PAT, id or secret.
//
// pick selects the method (bits 0-3), the credential (4-6) and whether the
// input's own auth is sent instead (bit 7); ctPick selects the content type
// (bits 0-6) or the input's own (bit 7).
func FuzzPATs(f *testing.F) {
	add := func(method, suffix, auth, ct, body string) {
		m, a, c := 0, 0, 0
		for i, v := range fuzzMethods {
			if v == method {
				m = i
			}
		}
		own := uint8(128)
		for i, v := range fuzzAuth {
			if v == auth {
				a, own = i, 0
			}
		}
		ownCT := uint8(128)
		for i, v := range fuzzContentTypes {
			if v == ct {
				c, ownCT = i, 0
			}
		}
		f.Add(uint8(m)|uint8(a)<<4|own, suffix, auth, uint8(c)|ownCT, ct, []byte(body))
	}
	tok, adm := fixtures.UnleashToken, fixtures.UnleashAdminToken
	js := "application/json"
	add("GET", "", tok, "", "")
	add("GET", "/", "Bearer "+tok, "", "")
	add("HEAD", "", tok, "", "")
	add("OPTIONS", "", tok, "", "")
	add("OPTIONS", "/1", tok, "", "")
	add("GET", "", adm, "", "")
	add("GET", "", "", "", "")
	add("GET", "", "Bearer", "", "")
	add("GET", "", "bearer\t"+tok, "", "")
	add("GET", "", expiredAdminPAT, "", "")
	add("GET", "/1", tok, "", "")
	add("PUT", "", tok, js, validCreateBody)
	add("PATCH", "/1", tok, js, `{}`)
	add("PROPFIND", "", tok, "", "")
	add("POST", "", tok, js, validCreateBody)
	add("POST", "/", tok, "application/json; charset=utf-8", validCreateBody)
	add("POST", "", tok, "", validCreateBody)
	add("POST", "", tok, "text/plain", validCreateBody)
	add("POST", "", tok, "application/vnd.api+json", validCreateBody)
	add("POST", "", tok, js, `not json`)
	add("POST", "", tok, js, ``)
	add("POST", "", tok, js, `{"description":"x"`)
	add("POST", "", tok, js, `{"description":"x",}`)
	add("POST", "", tok, js, `{"description" "x"}`)
	add("POST", "", tok, js, `{x:1}`)
	add("POST", "", tok, js, `{} x`)
	add("POST", "", tok, js, `"\ud800"`)
	add("POST", "", tok, js, `[]`)
	add("POST", "", tok, js, `null`)
	add("POST", "", tok, js, `{}`)
	add("POST", "", tok, js, `{"description":42,"expiresAt":"2027-01-01T00:00:00.000Z"}`)
	add("POST", "", tok, js, `{"description":null,"expiresAt":"2027-01-01T00:00:00.000Z"}`)
	add("POST", "", tok, js, `{"description":"","expiresAt":"2027-01-01T00:00:00.000Z"}`)
	add("POST", "", tok, js, `{"description":"x","expiresAt":"2020-01-01T00:00:00.000Z"}`)
	add("POST", "", tok, js, `{"description":"x","expiresAt":"2027-01-01"}`)
	add("POST", "", tok, js, `{"description":"x","expiresAt":"+275760-09-13T00:00:00.000Z"}`)
	add("POST", "", tok, js, `{"description":"x","expiresAt":"9999-12-31T23:59:59.999999999+14:00"}`)
	add("POST", "", tok, js, `{"description":"x","expiresAt":12345}`)
	add("POST", "", tok, js, `{"description":{"a":1},"expiresAt":"2027-01-01T00:00:00.000Z"}`)
	add("POST", "", janePAT, js, `{"description":"laptop","expiresAt":"2027-01-01T00:00:00.000Z"}`)
	add("POST", "", adm, js, validCreateBody)
	add("DELETE", "/1", tok, "", "")
	add("DELETE", "/3", tok, "", "")
	add("DELETE", "/99", tok, "", "")
	add("DELETE", "/abc", tok, "", "")
	add("DELETE", "/1.5", tok, "", "")
	add("DELETE", "/-1", tok, "", "")
	add("DELETE", "/99999999999999999999999", tok, "", "")
	add("DELETE", "/1", adm, "", "")
	add("DELETE", "/99", adm, "", "")
	add("DELETE", "/1", tok, js, `{"bad"`)
	add("DELETE", "/1/2", tok, "", "")
	add("DELETE", "//1", tok, "", "")
	add("GET", "/../tokens", tok, "", "")
	add("GET", "x", tok, "", "")

	srv, err := fake.NewServer(fake.WithSeed(5), fake.WithTime(start))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	h := srv.Handler()
	before := ""

	f.Fuzz(func(t *testing.T, pick uint8, suffix, auth string, ctPick uint8, ct string, body []byte) {
		srv.Reset()
		if before == "" {
			before = fuzzState(t, h)
			srv.Reset()
		}
		method := fuzzMethods[int(pick&15)%len(fuzzMethods)]
		cred := fuzzAuth[int(pick>>4&7)%len(fuzzAuth)]
		if pick&128 != 0 {
			cred = auth
		}
		if ctPick&128 == 0 {
			ct = fuzzContentTypes[int(ctPick&127)%len(fuzzContentTypes)]
		}
		if suffix != "" && suffix[0] != '/' {
			suffix = "/" + suffix // stay under the API's prefix
		}
		req := httptest.NewRequest(method, tokensPath, bytes.NewReader(body))
		req.URL.Path = tokensPath + suffix
		req.RequestURI = req.URL.RequestURI()
		if cred != "" {
			req.Header["Authorization"] = []string{cred}
		}
		if ct != "" {
			req.Header["Content-Type"] = []string{ct}
		}
		rec := apitest.Serve(t, h, req)

		if rec.Code >= 200 && rec.Code < 300 {
			return
		}
		documented500 := rec.Code == http.StatusInternalServerError && method == http.MethodDelete &&
			strings.Contains(rec.Body.String(), `"name":"UnknownError"`) && strings.Contains(rec.Body.String(), "Undefined binding(s)")
		if rec.Code >= 500 && !documented500 {
			t.Fatalf("%s %q: status %d: %s", method, req.URL.Path, rec.Code, rec.Body)
		}
		if got := rec.Header().Get("Content-Type"); got != jsonContentType {
			t.Fatalf("%s %q: status %d with content type %q, want %q; body %q", method, req.URL.Path, rec.Code, got, jsonContentType, rec.Body)
		}
		if method != http.MethodHead {
			var e map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("%s %q: status %d, body not JSON: %v: %q", method, req.URL.Path, rec.Code, err, rec.Body)
			}
			msg, _ := e["message"].(string)
			name, hasName := e["name"].(string)
			if msg == "" {
				t.Fatalf("%s %q: status %d, no message: %s", method, req.URL.Path, rec.Code, rec.Body)
			}
			// Express's body parser answers 400 (malformed JSON) and 413
			// with a message alone; every other error names its class.
			if (!hasName || name == "") && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s %q: status %d, no name: %s", method, req.URL.Path, rec.Code, rec.Body)
			}
		}
		if after := fuzzState(t, h); after != before {
			t.Fatalf("%s %q failed (%d %s) but changed the PATs:\nbefore %s\nafter  %s", method, req.URL.Path, rec.Code, rec.Body, before, after)
		}
	})
}
