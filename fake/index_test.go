package fake_test

import (
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestIndex(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	tests := []struct {
		name       string
		c          call
		wantStatus int
		wantType   string
		wantFirst  string // the body's first line
	}{
		{"root as text", call{method: "GET", path: "/"}, 200, "text/plain; charset=utf-8",
			"tokenfake: a fake of the LogScale, Unleash and Cryptlex access-token APIs."},
		{"root for a browser", call{method: "GET", path: "/", header: map[string]string{"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}},
			200, "text/html; charset=utf-8", "<!DOCTYPE html>"},
		{"GraphQL misspelt", call{method: "POST", path: "/graphq"}, 404, "text/plain; charset=utf-8",
			"404: nothing is served at POST /graphq. This server serves:"},
		{"Unleash's route misspelt", call{method: "GET", path: "/api/admin/user/token"}, 404, "text/plain; charset=utf-8",
			"404: nothing is served at GET /api/admin/user/token. This server serves:"},
		{"POST on the root", call{method: "POST", path: "/"}, 404, "text/plain; charset=utf-8",
			"404: nothing is served at POST /. This server serves:"},
		{"unknown path for a browser", call{method: "GET", path: "/v2/tokens", header: map[string]string{"Accept": "text/html"}},
			404, "text/html; charset=utf-8", "<!DOCTYPE html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := do(t, srv, nil, tt.c)
			if got.status != tt.wantStatus {
				t.Errorf("status %d, want %d", got.status, tt.wantStatus)
			}
			if ct := got.header.Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			body := string(got.body)
			if first, _, _ := strings.Cut(body, "\n"); first != tt.wantFirst {
				t.Errorf("first line %q, want %q", first, tt.wantFirst)
			}
			for _, want := range []string{"/graphql", "/api/admin/user/tokens/{id}", "/v3/personal-access-tokens/{id}",
				"/_fake/reset", "/_fake/credentials", fixtures.LogScaleToken, fixtures.UnleashToken, fixtures.CryptlexToken} {
				if !strings.Contains(body, want) {
					t.Errorf("index lacks %q", want)
				}
			}
		})
	}
}

// The vendors keep their own answers (Cryptlex's 404, Unleash's 401 before
// its 404, LogScale's 404) for paths under their prefixes.
func TestIndexLeavesVendorNotFound(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	for _, c := range []call{
		{method: "GET", path: "/v3/personal-access-tokens/a/b", header: map[string]string{"Accept": "text/html"}},
		{method: "GET", path: "/api/admin/user/tokens/1/x", header: map[string]string{"Accept": "text/html"}},
		{method: "POST", path: "/graphql/", header: map[string]string{"Accept": "text/html"}},
	} {
		got := do(t, srv, nil, c)
		wantType := "application/json"
		if strings.HasPrefix(c.path, "/graphql") {
			wantType = "text/plain" // Akka HTTP's plain-text rejection
		}
		if got.status < 400 || !strings.HasPrefix(got.header.Get("Content-Type"), wantType) {
			t.Errorf("%s %s: %d %q %s, want the vendor's error", c.method, c.path, got.status, got.header.Get("Content-Type"), got.body)
		}
	}
}

func TestIndexNamesTheAdminToken(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithAdminToken("s3cret"))
	got := do(t, srv, nil, call{method: "GET", path: "/"})
	if !strings.Contains(string(got.body), "Admin API (Authorization: Bearer <admin token>, except /_fake/health)") {
		t.Errorf("index does not say the admin API is guarded:\n%s", got.body)
	}
	if strings.Contains(string(got.body), "s3cret") {
		t.Errorf("index shows the admin token")
	}
}

// TestIndexHTMLEscapes checks that the HTML index escapes the path it
// could not serve.
func TestIndexHTMLEscapes(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	got := do(t, srv, nil, call{method: "GET", path: "/%3Cscript%3Ealert(1)%3C/script%3E", header: map[string]string{"Accept": "text/html"}})
	body := string(got.body)
	if got.status != 404 || strings.Contains(body, "<script>") || !strings.Contains(body, "<code>GET /&lt;script&gt;alert(1)&lt;/script&gt;</code>") {
		t.Errorf("%d %s\nwant 404 with the path escaped", got.status, body)
	}
}
