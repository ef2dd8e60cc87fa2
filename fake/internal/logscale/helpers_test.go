package logscale_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Default fixture facts the tests rely on.
const (
	adminID        = "KSJ0A5XQvNZt8ODoOwPdh3fTbS4KdHwv"
	adminTokenID   = "NkVQcz7R3ihhEdnktITQsvC5D2leQzDb"
	janeID         = "wBdm8HlwGoXJWPUaE4MZ4itz1JUx9uOS"
	janeToken      = "snH9ldmT3jPTGNcttYurKJNoYqgGqQok~rRWMLeIuYEGgfEdN4E6OCvnWGHmLunaTlDJLTjd0xtfa"
	janeTokenID    = "snH9ldmT3jPTGNcttYurKJNoYqgGqQok"
	productionID   = "slGndOxR6mbJ4zdHOFzpb9JLy79pT7cp"
	allLogsID      = "5Rmcd9MFC7XVYd6KtZeGmCSPvMesXYIG"
	officeFilterID = "4IA7GSl5DRYI3ozw6tSQp7NdLhzDNPyx"
	loopFilterID   = "ZZXSFqQPXdG6GXBTt0pqYNH2T27Vv1hg"
	clusterMgmtID  = "Qm4Tn0ZkR8vHc2LxW7sPa9YdJ3eBf6Gu"
	jenkinsID      = "Hx7pL2cV9bN4mK8qW1zR6tY3uE5oA0sD"
	testerID       = "Bz3Kq8Wm1Xv6Nc0Ls5Rt9Ya2Pe7Ud4Gh"
	vaultID        = "Ui8Op3As6Df1Gh4Jk7Lz0Xc9Vb2Nm5Qw"
	vaultToken     = vaultID + "~wXlSzCLc3RALL8jJbqHQWZIu6MnpALdPnQUHbOlmFEdp"
	wallToken      = "Er4Ty7Ui0Op3As6Df9Gh2Jk5Lz8Xc1Vb~tY2IjHVvVfnUITJm7Ollnny9zBq6UcDDkUyvcZF7L68N"
	clusterToken   = clusterMgmtID + "~PBUshymwK63CA5GNyOixhWhJLuaNPHzDIrKzPurBVjgC"
	testerToken    = testerID + "~Rlot9e3LgUZOdWtjWeTCoJpOD8SJkzFGaVAXdnXLdMHf"
)

// fixedTime is the clock of servers started by start: after every fixture
// token was made, before the long-lived ones expire.
var fixedTime = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// start returns a server with the default fixtures, seed 1 and a stopped clock.
func start(t *testing.T, opts ...fake.Option) *fake.Server {
	t.Helper()
	return fake.Start(t, append([]fake.Option{fake.WithSeed(1), fake.WithTime(fixedTime)}, opts...)...)
}

// response is an HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends method to /graphql with body and, unless token is empty, a
// Bearer token.
func do(t *testing.T, srv *fake.Server, method, path, token, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
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
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// gql runs a GraphQL request with token and returns its 200 answer.
func gql(t *testing.T, srv *fake.Server, token, query string, vars map[string]any) response {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("marshal request: %v", err)
	}
	res := do(t, srv, http.MethodPost, "/graphql", token, string(b))
	if res.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body: %s", res.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	return res
}

// admin runs a GraphQL request as the default admin.
func admin(t *testing.T, srv *fake.Server, query string, vars map[string]any) response {
	t.Helper()
	return gql(t, srv, fixtures.LogScaleToken, query, vars)
}

// decode unmarshals JSON into any.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, b)
	}
	return v
}

// wantJSON fails t unless got and want are the same JSON value.
func wantJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	if diff := cmp.Diff(decode(t, []byte(want)), decode(t, got)); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
}

// dataOf returns the data member of a GraphQL answer, failing t if the
// answer has errors.
func dataOf(t *testing.T, res response) map[string]any {
	t.Helper()
	var body struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(res.body, &body); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, res.body)
	}
	if len(body.Errors) > 0 {
		t.Fatalf("unexpected errors: %s", res.body)
	}
	return body.Data
}

// gqlError is one entry of a GraphQL answer's errors.
type gqlError struct {
	Message   string           `json:"message"`
	Path      []any            `json:"path"`
	Locations []map[string]int `json:"locations"`
}

// errorsOf returns the errors of a GraphQL answer and whether data was null
// or absent.
func errorsOf(t *testing.T, res response) ([]gqlError, bool) {
	t.Helper()
	var body struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(res.body, &body); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, res.body)
	}
	return body.Errors, len(body.Data) == 0 || string(body.Data) == "null"
}

// wantError fails t unless res carries exactly one error with msg.
func wantError(t *testing.T, res response, msg string) {
	t.Helper()
	errs, _ := errorsOf(t, res)
	if len(errs) != 1 || errs[0].Message != msg {
		t.Fatalf("errors = %+v, want one with message %q; body: %s", errs, msg, res.body)
	}
}

// str digs a string out of decoded JSON along path.
func str(t *testing.T, v any, path ...string) string {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: not an object: %v", p, v)
		}
		v = m[p]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("at %v: not a string: %v", path, v)
	}
	return s
}
