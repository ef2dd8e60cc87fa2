package unleash_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/random"
	"github.com/tokenfake/tokenfake/fake/internal/unleash"
	"github.com/tokenfake/tokenfake/fixtures"
)

func newAPI(t *testing.T) *unleash.API {
	t.Helper()
	api, err := unleash.New(api.Env{
		Now:      func() time.Time { return start },
		Random:   random.New(1),
		Fixtures: fixtures.FS(),
		Logger:   slog.New(slog.DiscardHandler),
	}, unleash.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return api
}

// TestError checks the body of every status a script may ask for.
func TestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		method string
		header map[string]string
		wantID bool
		want   map[string]any
	}{
		{400, http.MethodPost, nil, true, map[string]any{"name": "BadDataError", "message": msgSchema, "details": []any{map[string]any{"message": msgSchema}}}},
		{401, http.MethodGet, nil, true, unleashError("UnauthorizedError", "You must log in to use Unleash.")},
		{403, http.MethodGet, nil, false, unleashError("ForbiddenError", "PATs require an authenticated user.")},
		{403, http.MethodPost, nil, false, unleashError("OperationDeniedError", "Too many PATs (10) already exist for this user.")},
		{404, http.MethodDelete, nil, false, unleashError("NotFoundError", "No PAT found.")},
		{404, http.MethodGet, nil, false, unleashError("NotFoundError", "PATs are disabled.")},
		{405, http.MethodGet, nil, false, unleashError("NotImplementedError", "Method Not Allowed")},
		{409, http.MethodPost, nil, false, unleashError("NameExistsError", "PAT description already exists.")},
		{413, http.MethodPost, nil, false, map[string]any{"message": "request entity too large"}},
		{415, http.MethodPost, map[string]string{"Content-Type": "text/csv"}, true, contentTypeError("text/csv")},
		{415, http.MethodPost, nil, true, contentTypeError("you didn't provide one")},
		{422, http.MethodPost, nil, false, unleashError("DisabledError", "Unprocessable Entity")},
		{429, http.MethodPost, nil, false, unleashError("RateLimitError", "We're currently receiving too much traffic. Please try again later.")},
		{500, http.MethodGet, nil, false, unleashError("InternalError", "Internal Server Error")},
		{502, http.MethodGet, nil, false, unleashError("BadGatewayError", "Bad Gateway")},
		{503, http.MethodGet, nil, false, unleashError("UnknownError", "Service Unavailable")},
		{504, http.MethodGet, nil, false, unleashError("GatewayTimeoutError", "Gateway Timeout")},
		{418, http.MethodGet, nil, false, unleashError("UnknownError", "I'm a teapot")},
		{599, http.MethodGet, nil, false, unleashError("UnknownError", "Error 599")},
	}
	api := newAPI(t)
	for _, tc := range tests {
		t.Run(http.StatusText(tc.status)+" "+tc.method, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tc.method, tokensPath, nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			w.Header().Set("Retry-After", "7")
			api.Error(r, tc.status).Write(w)
			if w.Header().Get("Retry-After") != "7" {
				t.Errorf("a header set before Write was dropped")
			}
			checkError(t, response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}, tc.status, tc.wantID, tc.want)
		})
	}
}

func TestErrorEveryStatusIsJSON(t *testing.T) {
	t.Parallel()
	api := newAPI(t)
	for status := 400; status < 600; status++ {
		w := httptest.NewRecorder()
		api.Error(httptest.NewRequest(http.MethodGet, tokensPath, nil), status).Write(w)
		var body map[string]any
		if w.Code != status || w.Header().Get("Content-Type") != jsonContentType || json.Unmarshal(w.Body.Bytes(), &body) != nil || body["message"] == "" {
			t.Errorf("status %d: got %d %q %s", status, w.Code, w.Header().Get("Content-Type"), w.Body)
		}
	}
}

// TestFixtureErrors checks that a malformed unleash.json stops the server
// with an error naming the file and the problem.
func TestFixtureErrors(t *testing.T) {
	t.Parallel()
	const okUser = `"users":[{"id":1,"username":"a"}]`
	const okPAT = `"id":1,"userId":1,"description":"d","secret":"user:ab","createdAt":"2026-01-01T00:00:00Z","expiresAt":"2027-01-01T00:00:00Z"`
	tests := []struct{ name, file, problem string }{
		{"not JSON", `{`, "unexpected end of JSON input"},
		{"unknown field", `{"user":[]}`, `line 1, column 2: user: unknown field (known: `},
		{"unknown PAT field", `{` + okUser + `,"pats":[{` + okPAT + `,"token":"x"}]}`, `pats[0].token: unknown field (known: id, userId, description, secret, createdAt, expiresAt, seenAt)`},
		{"trailing data", `{} {}`, "data after the top-level object"},
		{"duplicate user", `{"users":[{"id":1,"username":"a"},{"id":1,"username":"b"}]}`, "duplicate id 1"},
		{"PAT of no user", `{` + okUser + `,"pats":[{` + strings.Replace(okPAT, `"userId":1`, `"userId":9`, 1) + `}]}`, "userId 9 is not a user"},
		{"secret without prefix", `{` + okUser + `,"pats":[{` + strings.Replace(okPAT, "user:ab", "ab", 1) + `}]}`, `secret must start with "user:"`},
		{"bad date", `{` + okUser + `,"pats":[{` + strings.Replace(okPAT, "2027-01-01T00:00:00Z", "soon", 1) + `}]}`, `expiresAt "soon"`},
		{"duplicate description", `{` + okUser + `,"pats":[{` + okPAT + `},{` + strings.NewReplacer(`"id":1,`, `"id":2,`, "user:ab", "user:cd").Replace(okPAT) + `}]}`, `description "d" is used twice`},
		{"client API token", `{"apiTokens":[{"secret":"default:development.x","tokenName":"c","type":"client"}]}`, `type "client"`},
		{"negative limit", `{"patLimit":-1}`, "patLimit -1 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, err := fake.NewServer(fake.WithFixtures(fstest.MapFS{"unleash.json": {Data: []byte(tc.file)}}))
			if err == nil {
				srv.Close()
				t.Fatal("NewServer accepted a malformed unleash.json")
			}
			if msg := err.Error(); !strings.Contains(msg, "unleash.json") || !strings.Contains(msg, tc.problem) {
				t.Errorf("error %q does not name unleash.json and %q", msg, tc.problem)
			}
		})
	}
}

func TestMissingFixtureFileStartsEmpty(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithFixtures(fstest.MapFS{}))
	r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashToken})
	checkError(t, r, http.StatusUnauthorized, true, unleashError("UnauthorizedError", "You must log in to use Unleash."))
}

func TestFixturePATLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fake.WithFixtures(fstest.MapFS{"unleash.json": {Data: []byte(`{"patLimit":1,"users":[{"id":1,"username":"a"}],
		"pats":[{"id":5,"userId":1,"description":"d","secret":"` + fixtures.UnleashToken + `","createdAt":"2026-01-01T00:00:00Z","expiresAt":"2027-01-01T00:00:00Z","seenAt":null}]}`)}}))
	r := e.do(t, request{method: http.MethodPost, path: tokensPath, auth: fixtures.UnleashToken, contentType: "application/json", body: validCreateBody})
	checkError(t, r, http.StatusForbidden, false, unleashError("OperationDeniedError", "Too many PATs (1) already exist for this user."))
	e.do(t, request{method: http.MethodDelete, path: tokensPath + "/5", auth: fixtures.UnleashToken})
	// The deleted PAT authenticated this request; a fresh one is refused.
	r = e.do(t, request{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashToken})
	if r.status != http.StatusUnauthorized {
		t.Errorf("deleted PAT: status %d, want 401", r.status)
	}
}
