package cryptlex_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/apitest"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// fuzzHookID is the webhook of the fuzz fixtures.
const fuzzHookID = "7c1e5a3b-2f4d-4e6a-9b8c-0d1e2f3a4b5c"

// FuzzWebhooks sends arbitrary methods, paths under /v3/webhooks, query
// strings and bodies, with a token that may write, one that may only read,
// or none. The fake never panics, hangs or answers 5xx, answers every
// failure with Cryptlex's {"message","code"} JSON, and a failed request
// changes no webhook.
func FuzzWebhooks(f *testing.F) {
	for _, in := range []struct {
		method, suffix, body string
	}{
		{"GET", "", ""}, {"GET", "?sort=-name&limit=1", ""}, {"GET", "?page=0", ""}, {"GET", "/events", ""}, {"POST", "/events", "{}"},
		{"GET", "/" + fuzzHookID, ""}, {"GET", "/nope", ""}, {"GET", "/" + fuzzHookID + "/x", ""}, {"GET", "/", ""},
		{"POST", "", `{"name":"n","url":"http://127.0.0.1:9/x","token":"t","events":["personalAccessToken.created"]}`},
		{"POST", "", `{"name":"n","url":"http://example.com/x","token":"t","events":["personalAccessToken.created"]}`},
		{"POST", "", `{"name":"n","url":"http://[::1]:9/x","token":"t","events":["personalAccessToken.created"],"active":false}`},
		{"POST", "", `{"name":"n","url":"http://127.0.0.1:9/x","token":"t","events":[]}`},
		{"POST", "", `{"name":"n","url":"http://127.0.0.1:9/x","token":"t","events":["x"]}`},
		{"POST", "", `{"name":"n","url":"%zz","token":"t","events":["personalAccessToken.created"]}`},
		{"POST", "", `[]`}, {"POST", "", ``}, {"POST", "", `{"name":`},
		{"PATCH", "/" + fuzzHookID, `{"active":false}`}, {"PATCH", "/" + fuzzHookID, `{"url":"http://10.0.0.1/"}`},
		{"PATCH", "/" + fuzzHookID, `{"events":null,"name":""}`}, {"PATCH", "/" + fuzzHookID, `{"token":7}`},
		{"DELETE", "/" + fuzzHookID, ""}, {"DELETE", "/nope", ""}, {"PUT", "", "{}"},
	} {
		for auth := range uint8(3) {
			f.Add(auth, in.method, in.suffix, []byte(in.body))
		}
	}
	data, err := fs.ReadFile(fixtures.FS(), cryptlex.FixtureFile)
	if err != nil {
		f.Fatal(err)
	}
	file := strings.Replace(string(data), `"personalAccessTokens": [`, `"webhooks": [{
		"id": "`+fuzzHookID+`", "createdAt": "2026-01-02T00:00:00Z", "updatedAt": "2026-01-03T00:00:00Z",
		"name": "example", "url": "http://127.0.0.1:9/cryptlex", "token": "example-secret", "active": true,
		"events": ["personalAccessToken.created"]}],
		"personalAccessTokens": [`, 1)
	srv, err := fake.NewServer(fake.WithSeed(9), fake.WithTime(testNow), fake.WithoutCryptlexRateLimit(),
		fake.WithFixtures(fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(file)}}))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	h := srv.Handler()
	state := func(t *testing.T) string {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, cryptlex.WebhooksPath+"?limit=100", nil)
		req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
		rec := apitest.Serve(t, h, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("list: %d %s", rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	auths := []string{"Bearer " + fixtures.CryptlexToken, "Bearer " + fixtures.CryptlexLimitedToken, ""}
	f.Fuzz(func(t *testing.T, auth uint8, method, suffix string, body []byte) {
		if !validMethodToken(method) {
			return
		}
		srv.Reset()
		before := state(t)
		path, query, _ := strings.Cut(suffix, "?")
		if path != "" && path[0] != '/' {
			path = "/" + path
		}
		req := httptest.NewRequest(http.MethodGet, cryptlex.WebhooksPath, bytes.NewReader(body))
		req.Method = method
		req.URL.Path = cryptlex.WebhooksPath + path
		req.URL.RawQuery = query
		req.RequestURI = req.URL.RequestURI()
		if a := auths[int(auth)%len(auths)]; a != "" {
			req.Header.Set("Authorization", a)
		}
		req.Header.Set("Content-Type", "application/json")
		rec := apitest.Serve(t, h, req)
		if rec.Code >= 200 && rec.Code < 300 {
			return
		}
		if rec.Code >= 500 || rec.Code < 400 {
			t.Fatalf("%s %q: status %d: %s", method, req.URL, rec.Code, rec.Body)
		}
		if method != http.MethodHead {
			var e map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e["message"] == "" || e["code"] == "" || len(e) != 2 {
				t.Fatalf("%s %q: status %d, body is not {\"message\",\"code\"}: %q", method, req.URL, rec.Code, rec.Body)
			}
		}
		if after := state(t); after != before {
			t.Fatalf("%s %q failed (%d %s) but changed the webhooks:\nbefore %s\nafter  %s", method, req.URL, rec.Code, rec.Body, before, after)
		}
	})
}

// validMethodToken reports whether m is an HTTP method token a client can
// send.
func validMethodToken(m string) bool {
	if m == "" {
		return false
	}
	for _, r := range m {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}
