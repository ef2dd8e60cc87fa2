package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// call is one HTTP request of a test.
type call struct {
	method, path, body string
	header             map[string]string
}

// Requests every test can make, authenticated with the default fixtures.
var (
	logscaleViewer = call{method: "POST", path: "/graphql", body: `{"query":"{ viewer { id } }"}`,
		header: map[string]string{"Authorization": "Bearer " + fixtures.LogScaleToken, "Content-Type": "application/json"}}
	unleashList = call{method: "GET", path: "/api/admin/user/tokens",
		header: map[string]string{"Authorization": fixtures.UnleashToken}}
	cryptlexList = call{method: "GET", path: "/v3/personal-access-tokens",
		header: map[string]string{"Authorization": "Bearer " + fixtures.CryptlexToken}}
)

// LogScale requests for state checks.
var (
	logscaleSystemCreate = call{method: "POST", path: "/graphql", header: logscaleViewer.header,
		body: `{"query":"mutation { createSystemPermissionsTokenV2(input: {name: \"scripted\", systemPermissions: [ReadHealthCheck]}) { token } }"}`}
	logscaleTokens = call{method: "POST", path: "/graphql", header: logscaleViewer.header,
		body: `{"query":"{ tokens(sortBy: Name) { totalResults results { id name } } }"}`}
)

func unleashCreate(description string) call {
	return call{method: "POST", path: "/api/admin/user/tokens",
		body:   `{"description":"` + description + `","expiresAt":"2099-01-01T00:00:00.000Z"}`,
		header: map[string]string{"Authorization": fixtures.UnleashToken, "Content-Type": "application/json"}}
}

func cryptlexCreate(name string) call {
	return call{method: "POST", path: "/v3/personal-access-tokens",
		body:   `{"name":"` + name + `","scopes":["license:read"]}`,
		header: map[string]string{"Authorization": "Bearer " + fixtures.CryptlexToken, "Content-Type": "application/json"}}
}

// response is what a test saw.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends c to srv with client (srv.Client() when nil) and reads the
// answer; it fails the test on a transport error.
func do(t *testing.T, srv *fake.Server, client *http.Client, c call) response {
	t.Helper()
	resp, err := send(srv, client, c)
	if err != nil {
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	return resp
}

func send(srv *fake.Server, client *http.Client, c call) (response, error) {
	return sendCtx(context.Background(), srv, client, c)
}

func sendCtx(ctx context.Context, srv *fake.Server, client *http.Client, c call) (response, error) {
	if client == nil {
		client = srv.Client()
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, srv.URL()+c.path, body)
	if err != nil {
		return response{}, err
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{status: resp.StatusCode, header: resp.Header}, err
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// script loads rules into srv, failing the test if they are invalid.
func script(t *testing.T, srv *fake.Server, rules ...fake.Rule) {
	t.Helper()
	if err := srv.Script(rules...); err != nil {
		t.Fatalf("script: %v", err)
	}
}

// freshClient makes a client without keep-alives, so that every request has
// its own connection and a broken one is never retried on another.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// vendorErrors is testdata/scenarios/vendor-errors.json: per API, the
// request to send and, per status, the body the vendor answers.
type vendorErrors map[string]struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	ContentType string   `json:"contentType"`
	Headers     []string `json:"headers"`
	Statuses    map[string]struct {
		Text *string `json:"text"`
		JSON any     `json:"json"`
	} `json:"statuses"`
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func TestScriptedStatusesAreVendorShaped(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../testdata/scenarios/vendor-errors.json")
	if err != nil {
		t.Fatal(err)
	}
	var want vendorErrors
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for _, api := range []string{fake.APILogScale, fake.APIUnleash, fake.APICryptlex} {
		v, ok := want[api]
		if !ok {
			t.Fatalf("vendor-errors.json has no %s", api)
		}
		for _, status := range []int{400, 401, 403, 404, 409, 429, 500, 502, 503} {
			w, ok := v.Statuses[strconv.Itoa(status)]
			if !ok {
				t.Fatalf("vendor-errors.json has no %s %d", api, status)
			}
			t.Run(api+"/"+strconv.Itoa(status), func(t *testing.T) {
				t.Parallel()
				srv := fake.Start(t)
				script(t, srv, fake.Rule{Name: "scripted", Match: fake.Match{API: api}, Times: 1, Respond: fake.Response{Status: status}})
				got := do(t, srv, nil, call{method: v.Method, path: v.Path, body: `{}`})
				if got.status != status {
					t.Fatalf("status %d, want %d (body %s)", got.status, status, got.body)
				}
				if ct := got.header.Get("Content-Type"); ct != v.ContentType {
					t.Errorf("Content-Type %q, want %q", ct, v.ContentType)
				}
				if r := got.header.Get(fake.RuleHeader); r != "scripted" {
					t.Errorf("%s %q, want %q", fake.RuleHeader, r, "scripted")
				}
				for _, h := range v.Headers {
					if got.header.Get(h) == "" {
						t.Errorf("header %s missing", h)
					}
				}
				if status == 429 {
					if n, err := strconv.Atoi(got.header.Get("Retry-After")); err != nil || n < 1 {
						t.Errorf("Retry-After %q, want a number of seconds", got.header.Get("Retry-After"))
					}
				}
				if w.Text != nil {
					if string(got.body) != *w.Text {
						t.Errorf("body %q, want %q", got.body, *w.Text)
					}
					return
				}
				var body any
				if err := json.Unmarshal(got.body, &body); err != nil {
					t.Fatalf("body %s is not JSON: %v", got.body, err)
				}
				if m, ok := body.(map[string]any); ok {
					if id, ok := m["id"].(string); ok && uuidPattern.MatchString(id) {
						m["id"] = "<uuid>"
					}
				}
				if diff := cmp.Diff(w.JSON, body); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				if next := do(t, srv, nil, call{method: v.Method, path: v.Path, body: `{}`}); next.header.Get(fake.RuleHeader) != "" {
					t.Errorf("second call answered by %q, want the handler (times: 1)", next.header.Get(fake.RuleHeader))
				}
			})
		}
	}
}

func TestScriptedNotFoundOnUnleashDelete(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv, fake.Rule{Match: fake.Match{API: fake.APIUnleash, Method: "delete", Path: "/api/admin/user/tokens/{id}"}, Respond: fake.Response{Status: 404}})
	got := do(t, srv, nil, call{method: "DELETE", path: "/api/admin/user/tokens/1", header: unleashList.header})
	want := map[string]any{"name": "NotFoundError", "message": "No PAT found.", "details": []any{map[string]any{"message": "No PAT found."}}}
	var body any
	if err := json.Unmarshal(got.body, &body); err != nil || got.status != 404 {
		t.Fatalf("got %d %s", got.status, got.body)
	}
	if diff := cmp.Diff(want, body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if got.header.Get(fake.RuleHeader) != "script[0]" {
		t.Errorf("%s %q, want the generated name script[0]", fake.RuleHeader, got.header.Get(fake.RuleHeader))
	}
}

func TestScriptedHeadersAndBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		respond     fake.Response
		wantStatus  int
		wantType    string
		wantBody    string
		wantHeaders map[string]string
	}{
		{
			name:        "retry-after set by the rule",
			respond:     fake.Response{Status: 429, Headers: map[string]string{"Retry-After": "7"}},
			wantStatus:  429,
			wantType:    "application/json; charset=utf-8",
			wantHeaders: map[string]string{"Retry-After": "7", "X-Rate-Limit-Limit": "5s"},
		},
		{
			name:       "JSON body",
			respond:    fake.Response{Status: 418, Body: []byte(`{"message":"teapot"}`)},
			wantStatus: 418, wantType: "application/json", wantBody: `{"message":"teapot"}`,
			wantHeaders: map[string]string{"X-Rate-Limit-Limit": "5s"},
		},
		{
			name:       "text body with its own content type",
			respond:    fake.Response{Status: 503, Body: []byte("down"), Headers: map[string]string{"content-type": "text/html"}},
			wantStatus: 503, wantType: "text/html", wantBody: "down",
		},
		{
			name:       "empty body",
			respond:    fake.Response{Status: 500, Body: []byte{}},
			wantStatus: 500, wantBody: "",
		},
		{
			name:       "success status",
			respond:    fake.Response{Status: 204},
			wantStatus: 204, wantBody: "",
		},
		{
			name:       "success status that may have a body",
			respond:    fake.Response{Status: 202},
			wantStatus: 202, wantBody: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t)
			script(t, srv, fake.Rule{Name: "r", Match: fake.Match{API: fake.APICryptlex}, Respond: tt.respond})
			got := do(t, srv, nil, cryptlexList)
			if got.status != tt.wantStatus {
				t.Fatalf("status %d, want %d", got.status, tt.wantStatus)
			}
			if tt.wantType != "" && got.header.Get("Content-Type") != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got.header.Get("Content-Type"), tt.wantType)
			}
			if tt.wantBody != "" || tt.respond.Body != nil || tt.wantStatus < 400 { // below 400, no vendor body
				if string(got.body) != tt.wantBody {
					t.Errorf("body %q, want %q", got.body, tt.wantBody)
				}
			}
			for k, v := range tt.wantHeaders {
				if got.header.Get(k) != v {
					t.Errorf("%s %q, want %q", k, got.header.Get(k), v)
				}
			}
			if got.header.Get(fake.RuleHeader) != "r" {
				t.Errorf("%s %q, want r", fake.RuleHeader, got.header.Get(fake.RuleHeader))
			}
		})
	}
}

// TestScriptedHeadersOverVendorError checks that a rule's headers replace
// those of the vendor's error they share a name with, and leave its body
// and other headers alone.
func TestScriptedHeadersOverVendorError(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv, fake.Rule{Name: "r", Match: fake.Match{API: fake.APIUnleash},
		Respond: fake.Response{Status: 500, Headers: map[string]string{"Content-Type": "application/problem+json", "X-Extra": "1"}}})
	got := do(t, srv, nil, unleashList)
	if got.status != 500 || got.header.Get("Content-Type") != "application/problem+json" || got.header.Get("X-Extra") != "1" {
		t.Fatalf("got %d, Content-Type %q, X-Extra %q; want 500, application/problem+json, 1",
			got.status, got.header.Get("Content-Type"), got.header.Get("X-Extra"))
	}
	var body map[string]any
	if err := json.Unmarshal(got.body, &body); err != nil || body["name"] != "InternalError" {
		t.Errorf("body %s (%v), want Unleash's InternalError", got.body, err)
	}
}

// answeredBy sends c n times and returns, per call, the rule that answered
// ("" for the handler) and the status.
func answeredBy(t *testing.T, srv *fake.Server, c call, n int) []string {
	t.Helper()
	var out []string
	for range n {
		got := do(t, srv, nil, c)
		out = append(out, got.header.Get(fake.RuleHeader)+":"+strconv.Itoa(got.status))
	}
	return out
}

func TestRuleCounting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rules []fake.Rule
		want  []string
	}{
		{
			name:  "every call",
			rules: []fake.Rule{{Name: "a", Respond: fake.Response{Status: 500}}},
			want:  []string{"a:500", "a:500", "a:500"},
		},
		{
			name:  "times",
			rules: []fake.Rule{{Name: "a", Times: 2, Respond: fake.Response{Status: 500}}},
			want:  []string{"a:500", "a:500", ":200", ":200"},
		},
		{
			name:  "after",
			rules: []fake.Rule{{Name: "a", After: 2, Respond: fake.Response{Status: 503}}},
			want:  []string{":200", ":200", "a:503", "a:503"},
		},
		{
			name:  "nth call only",
			rules: []fake.Rule{{Name: "second", After: 1, Times: 1, Respond: fake.Response{Status: 429}}},
			want:  []string{":200", "second:429", ":200", ":200"},
		},
		{
			name: "first rule with calls left answers",
			rules: []fake.Rule{
				{Name: "a", Times: 1, Respond: fake.Response{Status: 500}},
				{Name: "b", Times: 2, Respond: fake.Response{Status: 502}},
				{Name: "c", Respond: fake.Response{Status: 503}},
			},
			want: []string{"a:500", "b:502", "b:502", "c:503", "c:503"},
		},
		{
			name: "a later rule only sees the calls earlier rules let through",
			rules: []fake.Rule{
				{Name: "a", After: 1, Times: 1, Respond: fake.Response{Status: 500}},
				{Name: "b", Times: 1, Respond: fake.Response{Status: 502}},
			},
			want: []string{"b:502", "a:500", ":200"},
		},
		{
			name: "a rule for another API is skipped",
			rules: []fake.Rule{
				{Name: "other", Match: fake.Match{API: fake.APIUnleash}, Respond: fake.Response{Status: 500}},
				{Name: "mine", Match: fake.Match{API: fake.APICryptlex, Method: "GET", Path: "/v3/personal-access-tokens"}, Times: 1, Respond: fake.Response{Status: 409}},
			},
			want: []string{"mine:409", ":200"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t)
			script(t, srv, tt.rules...)
			got := answeredBy(t, srv, cryptlexList, len(tt.want))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rule:status per call (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRuleMatching(t *testing.T) {
	t.Parallel()
	graphql := func(body string) call {
		return call{method: "POST", path: "/graphql", body: body, header: logscaleViewer.header}
	}
	tests := []struct {
		name  string
		match fake.Match
		calls map[string]call // name -> request
		want  []string        // names of the calls the rule answers
	}{
		{
			name:  "api",
			match: fake.Match{API: fake.APIUnleash},
			calls: map[string]call{"unleash": unleashList, "cryptlex": cryptlexList, "logscale": logscaleViewer},
			want:  []string{"unleash"},
		},
		{
			name:  "any api",
			match: fake.Match{API: fake.APIAny},
			calls: map[string]call{"unleash": unleashList, "cryptlex": cryptlexList, "logscale": logscaleViewer, "elsewhere": {method: "GET", path: "/elsewhere"}},
			want:  []string{"cryptlex", "logscale", "unleash"},
		},
		{
			name:  "operation by root field, among several",
			match: fake.Match{Operation: "rotateToken"},
			calls: map[string]call{
				"rotate":     graphql(`{"query":"mutation { rotateToken(input: {id: \"x\"}) }"}`),
				"two fields": graphql(`{"query":"mutation { deleteToken(input: {id: \"y\"}) rotateToken(input: {id: \"x\"}) }"}`),
				"other":      graphql(`{"query":"mutation { deleteToken(input: {id: \"y\"}) }"}`),
				"rest":       unleashList,
			},
			want: []string{"rotate", "two fields"},
		},
		{
			name:  "operation by operationName",
			match: fake.Match{API: fake.APILogScale, Operation: "RotateIt"},
			calls: map[string]call{
				"named":   graphql(`{"query":"mutation RotateIt { rotateToken(input: {id: \"x\"}) }","operationName":"RotateIt"}`),
				"unnamed": graphql(`{"query":"mutation { rotateToken(input: {id: \"x\"}) }"}`),
			},
			want: []string{"named"},
		},
		{
			name:  "method",
			match: fake.Match{Method: "post"},
			calls: map[string]call{"post": cryptlexCreate("m"), "get": cryptlexList},
			want:  []string{"post"},
		},
		{
			name:  "path with a wildcard segment",
			match: fake.Match{Path: "/v3/personal-access-tokens/{id}"},
			calls: map[string]call{
				"one":  {method: "GET", path: "/v3/personal-access-tokens/abc", header: cryptlexList.header},
				"list": cryptlexList,
				"deep": {method: "GET", path: "/v3/personal-access-tokens/abc/def", header: cryptlexList.header},
			},
			want: []string{"one"},
		},
		{
			name:  "path with a rest wildcard",
			match: fake.Match{Path: "/api/admin/user/{rest...}"},
			calls: map[string]call{
				"list":   unleashList,
				"delete": {method: "DELETE", path: "/api/admin/user/tokens/3", header: unleashList.header},
				"other":  cryptlexList,
			},
			want: []string{"delete", "list"},
		},
		{
			name:  "exact path",
			match: fake.Match{Path: "/api/admin/user/tokens"},
			calls: map[string]call{
				"list":   unleashList,
				"delete": {method: "DELETE", path: "/api/admin/user/tokens/3", header: unleashList.header},
			},
			want: []string{"list"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t)
			script(t, srv, fake.Rule{Name: "rule", Match: tt.match, Respond: fake.Response{Status: 418}})
			var got []string
			for name, c := range tt.calls {
				if r := do(t, srv, nil, c); r.status == 418 {
					got = append(got, name)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("answered (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInvalidRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rule fake.Rule
		want string
	}{
		{"unknown api", fake.Rule{Match: fake.Match{API: "github"}, Respond: fake.Response{Status: 500}}, `rules[0]: match.api: unknown API "github"`},
		{"operation on REST", fake.Rule{Match: fake.Match{API: fake.APIUnleash, Operation: "x"}, Respond: fake.Response{Status: 500}}, "rules[0]: match.operation: only LogScale"},
		{"bad method", fake.Rule{Match: fake.Match{Method: "FETCH"}, Respond: fake.Response{Status: 500}}, `match.method: unknown HTTP method "FETCH"`},
		{"bad path", fake.Rule{Match: fake.Match{Path: "v3/x"}, Respond: fake.Response{Status: 500}}, "match.path: \"v3/x\" must start with /"},
		{"partial wildcard", fake.Rule{Match: fake.Match{Path: "/v3/x{id}"}, Respond: fake.Response{Status: 500}}, "match.path: \"/v3/x{id}\": a wildcard must be a whole segment"},
		{"rest not last", fake.Rule{Match: fake.Match{Path: "/{a...}/b"}, Respond: fake.Response{Status: 500}}, "must be the last segment"},
		{"negative times", fake.Rule{Times: -1, Respond: fake.Response{Status: 500}}, "times: must not be negative"},
		{"negative after", fake.Rule{After: -2, Respond: fake.Response{Status: 500}}, "after: must not be negative"},
		{"bad status", fake.Rule{Name: "x", Respond: fake.Response{Status: 700}}, `rules[0] ("x"): respond.status: 700 is not an HTTP status`},
		{"nothing to do", fake.Rule{}, "respond: needs a status, a fault or a delay"},
		{"delay too long", fake.Rule{Respond: fake.Response{Delay: time.Hour}}, "respond.delay: must be between 0 and 5m0s"},
		{"unknown fault", fake.Rule{Respond: fake.Response{Fault: "drop"}}, `respond.fault: unknown fault "drop"`},
		{"reset with a status", fake.Rule{Respond: fake.Response{Fault: fake.FaultReset, Status: 500}}, `respond.fault: "reset" sends no response`},
		{"bad header", fake.Rule{Respond: fake.Response{Status: 500, Headers: map[string]string{"Bad Header": "x"}}}, `respond.headers: "Bad Header" is not a valid header name`},
		{"body without status", fake.Rule{Respond: fake.Response{Delay: time.Second, Body: []byte("x")}}, "respond.status: required with headers or a body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t)
			good := fake.Rule{Name: "good", Respond: fake.Response{Status: 500}}
			err := srv.Script(good, tt.rule)
			if err == nil {
				t.Fatal("Script accepted the rule")
			}
			var re *fake.RuleError
			if !errors.As(err, &re) || re.Index != 1 {
				t.Errorf("error %v is not a *RuleError for index 1", err)
			}
			if want := strings.Replace(tt.want, "rules[0]", "rules[1]", 1); !strings.Contains(err.Error(), want) {
				t.Errorf("error %q, want it to contain %q", err, want)
			}
			if r := do(t, srv, nil, cryptlexList); r.status != 200 {
				t.Errorf("status %d after a failed Script: a rule was added", r.status)
			}
		})
	}
}

func TestDelayPassesThroughAfterWaiting(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	const delay = 150 * time.Millisecond
	script(t, srv, fake.Rule{Name: "slow", Match: fake.Match{API: fake.APIUnleash}, Times: 1, Respond: fake.Response{Delay: delay}})
	start := time.Now()
	got := do(t, srv, nil, unleashList)
	if elapsed := time.Since(start); elapsed < delay {
		t.Errorf("answered after %s, before the %s delay", elapsed, delay)
	}
	if got.status != 200 || !bytes.Contains(got.body, []byte(`"pats"`)) {
		t.Errorf("got %d %s, want the handler's list", got.status, got.body)
	}
	if got.header.Get(fake.RuleHeader) != "slow" {
		t.Errorf("%s %q, want slow", fake.RuleHeader, got.header.Get(fake.RuleHeader))
	}
	reqs := srv.Requests(fake.Filter{Rule: "slow"})
	if len(reqs) != 1 || reqs[0].Status != 200 || reqs[0].Duration < delay {
		t.Errorf("journal %+v, want one 200 taking at least %s", reqs, delay)
	}
}

func TestDelayedErrorEndsWithTheClient(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv, fake.Rule{Name: "stall", Respond: fake.Response{Status: 503, Delay: fake.MaxDelay}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := sendCtx(ctx, srv, nil, cryptlexList); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the client's deadline", err)
	}
	// The server notices the client leaving and journals the request
	// without an answer; Close would block for MaxDelay otherwise.
	deadline := time.Now().Add(5 * time.Second)
	for srv.Count(fake.Filter{Rule: "stall"}) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	reqs := srv.Requests(fake.Filter{Rule: "stall"})
	if len(reqs) != 1 || reqs[0].Status != 0 {
		t.Errorf("journal %+v, want one request without an answer", reqs)
	}
}

func TestDelayEndsWhenTheServerCloses(t *testing.T) {
	t.Parallel()
	srv, err := fake.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	script(t, srv, fake.Rule{Name: "stall", Respond: fake.Response{Status: 503, Delay: fake.MaxDelay}})
	errc := make(chan error, 1)
	go func() {
		_, err := send(srv, freshClient(), cryptlexList)
		errc <- err
	}()
	waitSeen(t, srv, "stall", 1)
	closed := make(chan struct{})
	go func() {
		srv.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close still waits for the delayed request")
	}
	if err := <-errc; err == nil {
		t.Error("the delayed request got an answer after Close")
	}
}

// waitSeen waits until the rule named name has seen n calls, as the admin
// API reports.
func waitSeen(t *testing.T, srv *fake.Server, name string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var body struct {
			Active []struct {
				Name string `json:"name"`
				Seen int    `json:"seen"`
			} `json:"active"`
		}
		got := do(t, srv, nil, call{method: "GET", path: "/_fake/scenarios"})
		if err := json.Unmarshal(got.body, &body); err != nil {
			t.Fatalf("GET /_fake/scenarios: %v", err)
		}
		for _, r := range body.Active {
			if r.Name == name && r.Seen >= n {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("rule %q never saw %d calls", name, n)
}

func TestSocketFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault fake.Fault
		c     call
		check func(error) bool
	}{
		{fake.FaultReset, cryptlexCreate("reset"), func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
		{fake.FaultClose, unleashCreate("close"), func(err error) bool { return errors.Is(err, io.EOF) }},
		{fake.FaultClose, logscaleViewer, func(err error) bool { return errors.Is(err, io.EOF) }},
		{fake.FaultMalformed, unleashList, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{fake.FaultMalformed, logscaleViewer, func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{fake.FaultReset, cryptlexList, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault)+tt.c.method+tt.c.path, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t)
			respond := fake.Response{Fault: tt.fault}
			if tt.fault == fake.FaultMalformed {
				respond.Status = 503
			}
			script(t, srv, fake.Rule{Name: "broken", Times: 1, Respond: respond})
			_, err := send(srv, freshClient(), tt.c)
			if err == nil || !tt.check(err) {
				t.Fatalf("error %v, want the %s fault", err, tt.fault)
			}
			if got := do(t, srv, freshClient(), tt.c); got.header.Get(fake.RuleHeader) != "" {
				t.Errorf("second call answered by %q, want the handler", got.header.Get(fake.RuleHeader))
			}
			reqs := srv.Requests(fake.Filter{Rule: "broken"})
			if len(reqs) != 1 || reqs[0].Fault != tt.fault {
				t.Errorf("journal %+v, want one request with fault %s", reqs, tt.fault)
			}
		})
	}
}

func TestScriptedErrorsChangeNoState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		create call
		list   call
	}{
		{"unleash 409", 409, unleashCreate("scripted"), unleashList},
		{"unleash 500", 500, unleashCreate("scripted"), unleashList},
		{"cryptlex 409", 409, cryptlexCreate("scripted"), cryptlexList},
		{"cryptlex 500", 500, cryptlexCreate("scripted"), cryptlexList},
		{"logscale 409", 409, logscaleSystemCreate, logscaleTokens},
		{"logscale 500", 500, logscaleSystemCreate, logscaleTokens},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t, fake.WithTime(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)))
			before := do(t, srv, nil, tt.list)
			script(t, srv, fake.Rule{Match: fake.Match{Method: "POST"}, Times: 1, Respond: fake.Response{Status: tt.status}})
			if got := do(t, srv, nil, tt.create); got.status != tt.status {
				t.Fatalf("create answered %d, want the scripted %d", got.status, tt.status)
			}
			after := do(t, srv, nil, tt.list)
			if before.status != 200 || !jsonEqual(t, before.body, after.body) {
				t.Errorf("list changed after a scripted %d:\nbefore %s\nafter  %s", tt.status, short(before.body), short(after.body))
			}
			if got := do(t, srv, nil, tt.create); got.status/100 != 2 || bytes.Contains(got.body, []byte(`"errors"`)) {
				t.Errorf("create after the script answered %d %s, want a success", got.status, got.body)
			}
			if grown := do(t, srv, nil, tt.list); jsonEqual(t, before.body, grown.body) {
				t.Error("the list did not change after a real create: the check above proves nothing")
			}
		})
	}
}

// short abbreviates a body for a failure message.
func short(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %s", a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %s", b)
	}
	return cmp.Equal(x, y)
}

func TestAdminAndUnknownPathsAreNotScripted(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	script(t, srv, fake.Rule{Respond: fake.Response{Status: 503}})
	if got := do(t, srv, nil, call{method: "GET", path: "/_fake/health"}); got.status != 200 {
		t.Errorf("admin health %d, want 200 despite the rule", got.status)
	}
	if got := do(t, srv, nil, call{method: "GET", path: "/nowhere"}); got.status != 404 || got.header.Get(fake.RuleHeader) != "" {
		t.Errorf("unknown path %d by %q, want the router's 404", got.status, got.header.Get(fake.RuleHeader))
	}
}
