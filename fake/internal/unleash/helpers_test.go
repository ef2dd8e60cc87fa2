package unleash_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/apitest"

	"github.com/Unleash/unleash-server-api-go/client"
	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/unleash"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Facts of the default fixtures the tests rely on.
const (
	adminUserID      = 1
	janeUserID       = 2
	expiredAdminPAT  = "user:9b1c0e7d55a84f0c2e6b3a1d7f8e9c0b4a5d6e7f8091a2b3c4d5e6f7"
	janePAT          = "user:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4"
	janePATID        = 3
	firstNewID       = 4
	jsonContentType  = "application/json; charset=utf-8"
	tokensPath       = unleash.PathPrefix
	validCreateBody  = `{"description":"my token","expiresAt":"2027-01-01T00:00:00.000Z"}`
	defaultPATsAdmin = 2
)

// start is the fake clock's start in every test.
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	uuidRE   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	secretRE = regexp.MustCompile(`^user:[0-9a-f]{56}$`)
	isoRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
)

// openAPI checks answers against the PAT operations of Unleash's OpenAPI
// document.
var openAPI = sync.OnceValues(func() (*apitest.OpenAPI, error) {
	return apitest.LoadOpenAPI("../../../testdata/unleash/openapi.json")
})

// env is a fresh fake server and the OpenAPI document its answers are
// checked against.
type env struct {
	srv     *fake.Server
	checker *apitest.OpenAPI
}

func newEnv(t *testing.T, opts ...fake.Option) *env {
	t.Helper()
	checker, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]fake.Option{fake.WithTime(start)}, opts...)
	return &env{srv: fake.Start(t, opts...), checker: checker}
}

// request is one call to the API.
type request struct {
	method      string
	path        string
	auth        string // the Authorization header; "" sends none
	contentType string // "" sends none
	body        string
}

// response is what came back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req, checks the answer against the OpenAPI document, and decodes
// every PAT in it with the models of Unleash's Go client.
func (e *env) do(t *testing.T, req request) response {
	t.Helper()
	var body io.Reader
	if req.body != "" {
		body = strings.NewReader(req.body)
	}
	hr, err := http.NewRequest(req.method, e.srv.URL()+req.path, body)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if req.auth != "" {
		hr.Header.Set("Authorization", req.auth)
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	res, err := e.srv.Client().Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: b}
	e.validate(t, hr, out)
	decodePATs(t, req, out)
	return out
}

// validate checks resp against the operation of req in the OpenAPI
// document. Statuses the document does not list are checked by the tests
// themselves.
func (e *env) validate(t *testing.T, req *http.Request, resp response) {
	t.Helper()
	if err := e.checker.Check(req, resp.status, resp.header, resp.body); err != nil && !errors.Is(err, apitest.ErrNotDocumented) {
		t.Errorf("%v\nbody: %s", err, resp.body)
	}
}

// decodePATs decodes the PATs of a successful list or create with
// Unleash's Go client models and checks their formats.
func decodePATs(t *testing.T, req request, resp response) {
	t.Helper()
	if !strings.HasPrefix(req.path, tokensPath) || strings.TrimPrefix(req.path, tokensPath) != "" {
		return
	}
	switch {
	case req.method == http.MethodGet && resp.status == http.StatusOK:
		var pats client.PatsSchema
		if err := json.Unmarshal(resp.body, &pats); err != nil {
			t.Fatalf("decode PATs with the Unleash client model: %v\n%s", err, resp.body)
		}
		var raw struct {
			PATs []map[string]any `json:"pats"`
		}
		mustUnmarshal(t, resp.body, &raw)
		for i, p := range pats.GetPats() {
			if p.HasSecret() {
				t.Errorf("listed PAT %d has a secret", p.GetId())
			}
			checkDates(t, raw.PATs[i])
		}
	case req.method == http.MethodPost && resp.status == http.StatusCreated:
		var p client.PatSchema
		if err := json.Unmarshal(resp.body, &p); err != nil {
			t.Fatalf("decode PAT with the Unleash client model: %v\n%s", err, resp.body)
		}
		if !secretRE.MatchString(p.GetSecret()) {
			t.Errorf("secret %q is not user: and 56 lowercase hex digits", p.GetSecret())
		}
		var raw map[string]any
		mustUnmarshal(t, resp.body, &raw)
		checkDates(t, raw)
	}
}

// checkDates checks a PAT's dates are ISO strings with milliseconds and Z.
func checkDates(t *testing.T, p map[string]any) {
	t.Helper()
	for _, k := range []string{"createdAt", "expiresAt", "seenAt"} {
		v, ok := p[k]
		if !ok {
			t.Errorf("PAT %v has no %s", p["id"], k)
			continue
		}
		if k == "seenAt" && v == nil {
			continue
		}
		if s, _ := v.(string); !isoRE.MatchString(s) {
			t.Errorf("PAT %v: %s = %v, want an ISO date with milliseconds and Z", p["id"], k, v)
		}
	}
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// list returns the PATs the holder of token sees.
func (e *env) list(t *testing.T, token string) []map[string]any {
	t.Helper()
	r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: token})
	if r.status != http.StatusOK {
		t.Fatalf("list PATs: status %d, body %s", r.status, r.body)
	}
	var out struct {
		PATs []map[string]any `json:"pats"`
	}
	mustUnmarshal(t, r.body, &out)
	return out.PATs
}

// create makes a PAT with token and returns the answer's fields.
func (e *env) create(t *testing.T, token, description string, expires time.Time) map[string]any {
	t.Helper()
	body, err := json.Marshal(map[string]string{"description": description, "expiresAt": expires.UTC().Format(time.RFC3339Nano)})
	if err != nil {
		t.Fatal(err)
	}
	r := e.do(t, request{method: http.MethodPost, path: tokensPath, auth: token, contentType: "application/json", body: string(body)})
	if r.status != http.StatusCreated {
		t.Fatalf("create PAT %q: status %d, body %s", description, r.status, r.body)
	}
	var out map[string]any
	mustUnmarshal(t, r.body, &out)
	return out
}

// snapshot is what both fixture users see; the clock is stopped, so
// listing changes nothing that a second snapshot would show.
type snapshot struct {
	admin, jane []map[string]any
}

func (e *env) snapshot(t *testing.T) snapshot {
	t.Helper()
	return snapshot{admin: e.list(t, fixtures.UnleashToken), jane: e.list(t, janePAT)}
}

// assertUnchanged checks that the state is still before, and that no PAT id
// was used up: the next PAT gets the id it would have got anyway.
func (e *env) assertUnchanged(t *testing.T, before snapshot, nextID int) {
	t.Helper()
	after := e.snapshot(t)
	if diff := cmp.Diff(before, after, cmp.AllowUnexported(snapshot{})); diff != "" {
		t.Errorf("a failed request changed the PATs (-before +after):\n%s", diff)
	}
	p := e.create(t, janePAT, "probe after failure", start.Add(time.Hour))
	if got := p["id"]; got != float64(nextID) {
		t.Errorf("next PAT id = %v, want %d (a failed request used an id up)", got, nextID)
	}
}

// checkError compares an error body with want, after checking that the id
// is a fresh UUID when wantID (and absent otherwise).
func checkError(t *testing.T, resp response, status int, wantID bool, want map[string]any) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status = %d, want %d (body %s)", resp.status, status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); ct != jsonContentType {
		t.Errorf("Content-Type = %q, want %q", ct, jsonContentType)
	}
	if loc := resp.header.Get("Location"); loc != "" {
		t.Errorf("Location = %q, want none", loc)
	}
	var got map[string]any
	mustUnmarshal(t, resp.body, &got)
	id, hasID := got["id"]
	switch {
	case wantID && !hasID:
		t.Errorf("error body has no id: %s", resp.body)
	case wantID:
		if s, _ := id.(string); !uuidRE.MatchString(s) {
			t.Errorf("error id %v is not a version 4 UUID", id)
		}
	case hasID:
		t.Errorf("error body has an id, want none: %s", resp.body)
	}
	delete(got, "id")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error body mismatch (-want +got):\n%s", diff)
	}
}

// unleashError is the body of an Unleash error without its id.
func unleashError(name, message string) map[string]any {
	return map[string]any{"name": name, "message": message, "details": []any{map[string]any{"message": message}}}
}
