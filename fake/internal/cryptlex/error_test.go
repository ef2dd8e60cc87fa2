package cryptlex_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fake/internal/random"
	"github.com/tokenfake/tokenfake/fixtures"
)

// newAPI builds the API on the default fixtures with a clock stopped at now.
func newAPI(t testing.TB, now time.Time, opts cryptlex.Options) *cryptlex.API {
	t.Helper()
	env := api.Env{
		Now:      func() time.Time { return now },
		Random:   random.New(1),
		Fixtures: fixtures.FS(),
	}
	api, err := cryptlex.New(env, opts)
	if err != nil {
		t.Fatalf("cryptlex.New: %v", err)
	}
	return api
}

// TestError checks Cryptlex's error value for every status a script may ask
// for. A scripted rule's own headers go over it (package fake's
// TestScriptedHeadersAndBody); headers it does not set are left alone.
func TestError(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		status     int
		preset     http.Header
		wantCode   string
		wantHeader http.Header
	}{
		{status: 400, wantCode: "BadRequest"},
		{status: 401, wantCode: "Unauthorized"},
		{status: 403, wantCode: "Forbidden"},
		{status: 404, wantCode: "NotFound"},
		{status: 409, wantCode: "Conflict"},
		{status: 413, wantCode: "RequestEntityTooLarge"},
		{status: 418, wantCode: "ImATeapot"},
		{status: 429, wantCode: "TooManyRequests", wantHeader: http.Header{"Retry-After": {"5"}, "X-Rate-Limit-Remaining": {"0"}}},
		{status: 500, wantCode: "InternalServerError"},
		{status: 502, wantCode: "BadGateway"},
		{status: 503, preset: http.Header{"X-Custom": {"kept"}}, wantCode: "ServiceUnavailable", wantHeader: http.Header{"X-Custom": {"kept"}}},
		{status: 599, wantCode: "Error"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			api := newAPI(t, now, cryptlex.Options{})
			rec := httptest.NewRecorder()
			for k, v := range tt.preset {
				rec.Header()[k] = v
			}
			req := httptest.NewRequest(http.MethodPost, cryptlex.PathPrefix, nil)
			api.Error(req, tt.status).Write(rec)

			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if body["message"] == "" || body["code"] != tt.wantCode || len(body) != 2 {
				t.Errorf("body = %v, want a message and code %q", body, tt.wantCode)
			}
			checkErrorHeaders(t, rec.Header(), tt.wantHeader)
			if tt.status != 429 && tt.preset.Get("Retry-After") == "" && rec.Header().Get("Retry-After") != "" {
				t.Errorf("Retry-After on %d", tt.status)
			}
		})
	}
}
