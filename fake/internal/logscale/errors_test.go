package logscale_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fake/internal/random"
)

func newAPI(t *testing.T) *logscale.API {
	t.Helper()
	api, err := logscale.New(api.Env{
		Now:      func() time.Time { return time.UnixMilli(1_700_000_000_000) },
		Random:   random.New(1),
		Fixtures: fstest.MapFS{},
	})
	if err != nil {
		t.Fatalf("logscale.New: %v", err)
	}
	return api
}

func TestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		preset map[string]string
		want   string
		header map[string]string
	}{
		{status: 401, want: "The supplied authentication is invalid"},
		{status: 403, want: "The supplied authentication is not authorized to access this resource"},
		{status: 404, want: "The requested resource could not be found."},
		{status: 405, want: "HTTP method not allowed, supported methods: POST", header: map[string]string{"Allow": "POST"}},
		{status: 400, want: "The request contains bad syntax or cannot be fulfilled."},
		{status: 409, want: "The request could not be processed because of conflict in the request, such as an edit conflict."},
		{status: 413, want: "The request payload is larger than the server is willing or able to process."},
		{
			status: 429, want: "The user has sent too many requests in a given amount of time.",
			preset: map[string]string{"Retry-After": "2"}, header: map[string]string{"Retry-After": "2"},
		},
		{status: 500, want: "There was an internal server error."},
		{status: 503, want: "The server is currently unavailable (because it is overloaded or down for maintenance)."},
		{status: 599, want: "Network connect timeout error"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			t.Parallel()
			api := newAPI(t)
			rec := httptest.NewRecorder()
			for k, v := range tt.preset {
				rec.Header().Set(k, v)
			}
			api.Error(httptest.NewRequest(http.MethodPost, "/graphql", nil), tt.status).Write(rec)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if got := rec.Header().Get("Content-Type"); got != "text/plain; charset=UTF-8" {
				t.Errorf("Content-Type = %q, want text/plain; charset=UTF-8", got)
			}
			if got := rec.Body.String(); got != tt.want {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
			for k, v := range tt.header {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
		})
	}
}
