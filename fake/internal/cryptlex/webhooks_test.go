package cryptlex_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// receiverURL is a loopback URL that webhooks may be created with; nothing
// listens there in these tests, which do not look at deliveries.
const receiverURL = "http://127.0.0.1:9/hooks"

// createWebhook creates a webhook with body and returns it.
func createWebhook(t *testing.T, srv *fake.Server, body string) map[string]any {
	t.Helper()
	res := do(t, srv, "POST", cryptlex.WebhooksPath, fixtures.CryptlexToken, body)
	res.expect(t, http.StatusCreated)
	var out map[string]any
	res.decode(t, &out)
	return out
}

// webhookSnapshot is every webhook, as the list shows them.
func webhookSnapshot(t *testing.T, srv *fake.Server) []json.RawMessage {
	t.Helper()
	res := do(t, srv, "GET", cryptlex.WebhooksPath+"?limit=100", fixtures.CryptlexToken, "")
	res.expect(t, http.StatusOK)
	var items []json.RawMessage
	res.decode(t, &items)
	return items
}

func TestWebhookFlow(t *testing.T) {
	t.Parallel()
	srv := start(t)
	full := fixtures.CryptlexToken

	// No webhooks in the default fixtures.
	if got := webhookSnapshot(t, srv); len(got) != 0 {
		t.Fatalf("default fixtures have webhooks: %s", got)
	}

	// Create: 201 with the webhook; events deduplicated, active by default.
	got := createWebhook(t, srv, `{"name":"audit","url":"`+receiverURL+`","token":"s3cret",`+
		`"events":["personalAccessToken.created","personalAccessToken.deleted","personalAccessToken.created"],"extra":1}`)
	id, _ := got["id"].(string)
	want := map[string]any{
		"id": id, "createdAt": "2026-03-01T12:00:00Z", "updatedAt": "2026-03-01T12:00:00Z",
		"name": "audit", "url": receiverURL, "token": "s3cret", "active": true,
		"events": []any{"personalAccessToken.created", "personalAccessToken.deleted"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created webhook (-want +got):\n%s", diff)
	}
	if len(id) != 36 {
		t.Errorf("id %q is not a UUID", id)
	}

	// Get, with a token that only reads.
	res := do(t, srv, "GET", cryptlex.WebhooksPath+"/"+id, fixtures.CryptlexLimitedToken, "")
	res.expect(t, http.StatusOK)
	var one map[string]any
	res.decode(t, &one)
	if diff := cmp.Diff(want, one); diff != "" {
		t.Errorf("GET (-want +got):\n%s", diff)
	}

	// Update some fields; the others stay.
	srv.Clock().Advance(time.Minute)
	res = do(t, srv, "PATCH", cryptlex.WebhooksPath+"/"+id, full, `{"active":false,"events":["personalAccessToken.updated"],"name":null}`)
	res.expect(t, http.StatusOK)
	res.decode(t, &one)
	want["active"], want["events"], want["updatedAt"] = false, []any{"personalAccessToken.updated"}, "2026-03-01T12:01:00Z"
	if diff := cmp.Diff(want, one); diff != "" {
		t.Errorf("PATCH (-want +got):\n%s", diff)
	}
	// A PATCH that changes nothing leaves updatedAt alone.
	srv.Clock().Advance(time.Minute)
	res = do(t, srv, "PATCH", cryptlex.WebhooksPath+"/"+id, full, `{"active":false}`)
	res.expect(t, http.StatusOK)
	res.decode(t, &one)
	if diff := cmp.Diff(want, one); diff != "" {
		t.Errorf("PATCH without change (-want +got):\n%s", diff)
	}

	// Delete: 204, then 404.
	do(t, srv, "DELETE", cryptlex.WebhooksPath+"/"+id, full, "").expect(t, http.StatusNoContent)
	do(t, srv, "GET", cryptlex.WebhooksPath+"/"+id, full, "").expect(t, http.StatusNotFound)
	if got := webhookSnapshot(t, srv); len(got) != 0 {
		t.Errorf("webhooks after delete: %s", got)
	}
}

func TestWebhookEvents(t *testing.T) {
	t.Parallel()
	srv := start(t)
	res := do(t, srv, "GET", cryptlex.WebhooksPath+"/events", fixtures.CryptlexLimitedToken, "")
	res.expect(t, http.StatusOK)
	var got []string
	res.decode(t, &got)
	want := []string{"personalAccessToken.created", "personalAccessToken.updated", "personalAccessToken.deleted"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestWebhookList(t *testing.T) {
	t.Parallel()
	srv := start(t)
	names := []string{"charlie", "alpha", "bravo"}
	var created []string
	for _, n := range names {
		created = append(created, createWebhook(t, srv, `{"name":"`+n+`","url":"`+receiverURL+`","token":"t","events":["personalAccessToken.created"]}`)["id"].(string))
		srv.Clock().Advance(time.Second)
	}
	list := func(query string) []string {
		t.Helper()
		res := do(t, srv, "GET", cryptlex.WebhooksPath+query, fixtures.CryptlexToken, "")
		res.expect(t, http.StatusOK)
		var items []map[string]any
		res.decode(t, &items)
		var out []string
		for _, it := range items {
			out = append(out, it["name"].(string))
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"charlie", "alpha", "bravo"}},
		{"?sort=-createdAt", []string{"bravo", "alpha", "charlie"}},
		{"?sort=name", []string{"alpha", "bravo", "charlie"}},
		{"?sort=-name&limit=2", []string{"charlie", "bravo"}},
		{"?sort=name&limit=2&page=2", []string{"charlie"}},
		{"?page=3&limit=2", nil},
		{"?search=RAV", []string{"bravo"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, list(tt.query)); diff != "" {
			t.Errorf("list%s (-want +got):\n%s", tt.query, diff)
		}
	}
	if len(created) != 3 {
		t.Fatal(created)
	}
}

func TestWebhookErrors(t *testing.T) {
	t.Parallel()
	full, limited := fixtures.CryptlexToken, fixtures.CryptlexLimitedToken
	const path = cryptlex.WebhooksPath
	const missing = path + "/11111111-2222-4333-8444-555555555555"
	const valid = `"name":"n","url":"` + receiverURL + `","token":"t","events":["personalAccessToken.created"]`
	// noWebhookScopes stands for a token, created in each test, without
	// the webhook scopes.
	const noWebhookScopes = "no-webhook-scopes"
	allowHint := "this server delivers only to loopback hosts and to the hosts it is told to allow (Go: fake.WithWebhookHosts; " +
		"binary: -webhook-hosts or FAKESERVER_WEBHOOK_HOSTS; container: fakecontainer.WithWebhookHosts)."
	tests := []struct {
		name, method, path, token, body string
		status                          int
		message                         string
		header                          http.Header
	}{
		{name: "no token", method: "GET", path: path, status: 401, message: "Access token is missing.", header: http.Header{"Www-Authenticate": {"Bearer"}}},
		{name: "list without read scope", method: "GET", path: path, token: noWebhookScopes, status: 403, message: "Access token does not have the required scope: webhook:read."},
		{name: "events without read scope", method: "GET", path: path + "/events", token: noWebhookScopes, status: 403, message: "Access token does not have the required scope: webhook:read."},
		{name: "get without read scope", method: "GET", path: missing, token: noWebhookScopes, status: 403, message: "Access token does not have the required scope: webhook:read."},
		{name: "create without write scope", method: "POST", path: path, token: limited, body: "{" + valid + "}", status: 403, message: "Access token does not have the required scope: webhook:write."},
		{name: "update without write scope", method: "PATCH", path: missing, token: limited, body: `{}`, status: 403, message: "Access token does not have the required scope: webhook:write."},
		{name: "delete without write scope", method: "DELETE", path: missing, token: limited, status: 403, message: "Access token does not have the required scope: webhook:write."},

		{name: "body not JSON", method: "POST", path: path, token: full, body: `{"name":`, status: 400, message: "The request body must be a JSON object."},
		{name: "name missing", method: "POST", path: path, token: full, body: `{"url":"` + receiverURL + `","token":"t","events":["personalAccessToken.created"]}`, status: 400, message: "name is required."},
		{name: "name too long", method: "POST", path: path, token: full, body: `{` + valid + `,"name":"` + strings.Repeat("é", 257) + `"}`, status: 400, message: "name must be between 1 and 256 characters long."},
		{name: "url missing", method: "POST", path: path, token: full, body: `{"name":"n","token":"t","events":["personalAccessToken.created"]}`, status: 400, message: "url is required."},
		{name: "url not a string", method: "POST", path: path, token: full, body: `{` + valid + `,"url":1}`, status: 400, message: "url must be a string."},
		{name: "url relative", method: "POST", path: path, token: full, body: `{` + valid + `,"url":"/hooks"}`, status: 400, message: "url must be an absolute http or https URL."},
		{name: "url not http", method: "POST", path: path, token: full, body: `{` + valid + `,"url":"ftp://127.0.0.1/x"}`, status: 400, message: "url must be an absolute http or https URL."},
		{name: "url too long", method: "POST", path: path, token: full, body: `{` + valid + `,"url":"http://127.0.0.1/` + strings.Repeat("a", 2048) + `"}`, status: 400, message: "url must be between 1 and 2048 characters long."},
		{name: "url host not allowed", method: "POST", path: path, token: full, body: `{` + valid + `,"url":"https://hooks.example.com/cryptlex"}`, status: 400, message: `url host "hooks.example.com" is not allowed to receive webhooks: ` + allowHint},
		{name: "url private address not allowed", method: "POST", path: path, token: full, body: `{` + valid + `,"url":"http://10.1.2.3:8080/"}`, status: 400, message: `url host "10.1.2.3" is not allowed to receive webhooks: ` + allowHint},
		{name: "token missing", method: "POST", path: path, token: full, body: `{"name":"n","url":"` + receiverURL + `","events":["personalAccessToken.created"]}`, status: 400, message: "token is required."},
		{name: "token empty", method: "POST", path: path, token: full, body: `{` + valid + `,"token":""}`, status: 400, message: "token must be between 1 and 256 characters long."},
		{name: "events missing", method: "POST", path: path, token: full, body: `{"name":"n","url":"` + receiverURL + `","token":"t"}`, status: 400, message: "events is required."},
		{name: "events empty", method: "POST", path: path, token: full, body: `{` + valid + `,"events":[]}`, status: 400, message: "events must contain at least one event."},
		{name: "events not strings", method: "POST", path: path, token: full, body: `{` + valid + `,"events":"personalAccessToken.created"}`, status: 400, message: "events must be an array of strings."},
		{name: "unknown event", method: "POST", path: path, token: full, body: `{` + valid + `,"events":["license.created"]}`, status: 400, message: `events contains an unknown event: "license.created" (known: personalAccessToken.created, personalAccessToken.updated, personalAccessToken.deleted).`},
		{name: "active not a bool", method: "POST", path: path, token: full, body: `{` + valid + `,"active":"yes"}`, status: 400, message: "active must be a boolean."},
		{name: "patch url not allowed", method: "PATCH", path: missing, token: full, body: `{"url":"http://192.168.1.1/"}`, status: 400, message: `url host "192.168.1.1" is not allowed to receive webhooks: ` + allowHint},
		{name: "patch events empty", method: "PATCH", path: missing, token: full, body: `{"events":[]}`, status: 400, message: "events must contain at least one event."},
		{name: "limit 101", method: "GET", path: path + "?limit=101", token: full, status: 400, message: "limit must be a number between 1 and 100."},
		{name: "bad sort", method: "GET", path: path + "?sort=url", token: full, status: 400, message: `sort "url" is invalid: sort by one of createdAt, updatedAt, name, with a leading - for descending order.`},

		{name: "get unknown id", method: "GET", path: missing, token: full, status: 404, message: "Webhook not found."},
		{name: "patch unknown id", method: "PATCH", path: missing, token: full, body: `{}`, status: 404, message: "Webhook not found."},
		{name: "delete unknown id", method: "DELETE", path: missing, token: full, status: 404, message: "Webhook not found."},
		{name: "path no route serves", method: "GET", path: path + "/", token: full, status: 404, message: "The resource was not found."},
		{name: "segment after the id", method: "GET", path: missing + "/x", status: 404, message: "The resource was not found."},

		{name: "method not allowed", method: "PUT", path: path, token: full, body: `{}`, status: 405, message: "The method is not allowed for this resource.", header: http.Header{"Allow": {"GET, POST"}}},
		{name: "method not allowed on events", method: "POST", path: path + "/events", token: full, body: `{}`, status: 405, message: "The method is not allowed for this resource.", header: http.Header{"Allow": {"GET"}}},
		{name: "method not allowed on item", method: "POST", path: missing, token: full, body: `{}`, status: 405, message: "The method is not allowed for this resource.", header: http.Header{"Allow": {"GET, PATCH, DELETE"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			createWebhook(t, srv, "{"+valid+"}")
			token := tt.token
			if token == noWebhookScopes {
				token = create(t, srv, full, `{"name":"no webhooks","scopes":["personalAccessToken:write","user:read"]}`)
			}
			before := webhookSnapshot(t, srv)
			res := do(t, srv, tt.method, tt.path, token, tt.body)
			res.expect(t, tt.status)
			var body map[string]string
			res.decode(t, &body)
			want := map[string]string{"message": tt.message, "code": strings.ReplaceAll(http.StatusText(tt.status), " ", "")}
			if diff := cmp.Diff(want, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			checkErrorHeaders(t, res.header, tt.header)
			if diff := cmp.Diff(before, webhookSnapshot(t, srv), jsonComparer()); diff != "" {
				t.Errorf("the failed request changed the webhooks (-before +after):\n%s", diff)
			}
		})
	}
}

func TestWebhookCap(t *testing.T) {
	t.Parallel()
	srv := start(t)
	for i := range cryptlex.MaxWebhooks {
		createWebhook(t, srv, `{"name":"w`+strconv.Itoa(i)+`","url":"`+receiverURL+`","token":"t","events":["personalAccessToken.created"]}`)
	}
	res := do(t, srv, "POST", cryptlex.WebhooksPath, fixtures.CryptlexToken, `{"name":"one more","url":"`+receiverURL+`","token":"t","events":["personalAccessToken.created"]}`)
	res.expect(t, http.StatusBadRequest)
	var body map[string]string
	res.decode(t, &body)
	if want := "The account already has the maximum number of webhooks (100)."; body["message"] != want {
		t.Errorf("message = %q, want %q", body["message"], want)
	}
}

func TestWebhookRateLimited(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(testNow))
	for range cryptlex.RateLimit {
		do(t, srv, "GET", cryptlex.WebhooksPath, fixtures.CryptlexToken, "").expect(t, http.StatusOK)
	}
	res := do(t, srv, "GET", cryptlex.WebhooksPath+"/events", fixtures.CryptlexToken, "")
	res.expect(t, http.StatusTooManyRequests)
	if res.header.Get("Retry-After") == "" || res.header.Get("X-Rate-Limit-Remaining") != "0" {
		t.Errorf("429 headers = %v", res.header)
	}
}

func TestWebhookFixtures(t *testing.T) {
	t.Parallel()
	file := strings.Replace(string(defaultFile(t, cryptlex.FixtureFile)), `"personalAccessTokens": [`, `"webhooks": [{
		"id": "7c1e5a3b-2f4d-4e6a-9b8c-0d1e2f3a4b5c", "createdAt": "2026-01-02T00:00:00Z", "updatedAt": "2026-01-03T00:00:00Z",
		"name": "example", "url": "http://localhost:8081/cryptlex", "token": "example-secret", "active": false,
		"events": ["personalAccessToken.created"]}],
		"personalAccessTokens": [`, 1)
	srv := start(t, fake.WithFixtures(fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(file)}}))
	res := do(t, srv, "GET", cryptlex.WebhooksPath+"/7c1e5a3b-2f4d-4e6a-9b8c-0d1e2f3a4b5c", fixtures.CryptlexToken, "")
	res.expect(t, http.StatusOK)
	var got map[string]any
	res.decode(t, &got)
	want := map[string]any{
		"id": "7c1e5a3b-2f4d-4e6a-9b8c-0d1e2f3a4b5c", "createdAt": "2026-01-02T00:00:00Z", "updatedAt": "2026-01-03T00:00:00Z",
		"name": "example", "url": "http://localhost:8081/cryptlex", "token": "example-secret", "active": false,
		"events": []any{"personalAccessToken.created"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fixture webhook (-want +got):\n%s", diff)
	}

	for name, bad := range map[string][2]string{
		"host not allowed": {`"url": "http://localhost:8081/cryptlex"`, `"url": "http://example.com/"`},
		"unknown event":    {`"events": ["personalAccessToken.created"]}]`, `"events": ["x"]}]`},
		"bad id":           {`"id": "7c1e5a3b-2f4d-4e6a-9b8c-0d1e2f3a4b5c"`, `"id": "7"`},
		"no token":         {`"token": "example-secret"`, `"token": ""`},
	} {
		_, err := fake.NewServer(fake.WithFixtures(fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(strings.Replace(file, bad[0], bad[1], 1))}}))
		if err == nil || !regexp.MustCompile(`cryptlex\.json: line \d+, column \d+: webhooks\[0\]: `).MatchString(err.Error()) {
			t.Errorf("%s: NewServer error = %v, want one naming cryptlex.json, the line and column, and webhooks[0]", name, err)
		}
	}
}
