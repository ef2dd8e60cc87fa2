package fake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestPatterns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		yes     []string
		no      []string
	}{
		{"/graphql", []string{"/graphql"}, []string{"/graphql/", "/graphq", "/graphql/x", "/"}},
		{"/v3/personal-access-tokens/{id}", []string{"/v3/personal-access-tokens/abc"},
			[]string{"/v3/personal-access-tokens", "/v3/personal-access-tokens/", "/v3/personal-access-tokens/a/b"}},
		{"/a/{x}/c", []string{"/a/b/c"}, []string{"/a//c", "/a/b/d", "/a/b/c/d", "/a/b"}},
		{"/api/{rest...}", []string{"/api", "/api/", "/api/x", "/api/x/y/z"}, []string{"/apix", "/ap", "/"}},
		{"/{all...}", []string{"/", "/x", "/x/y"}, []string{""}},
		{"/", []string{"/"}, []string{"/x"}},
	}
	for _, tt := range tests {
		p, err := compilePattern(tt.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		for _, path := range tt.yes {
			if !p.match(path) {
				t.Errorf("%s does not match %q", tt.pattern, path)
			}
		}
		for _, path := range tt.no {
			if p.match(path) {
				t.Errorf("%s matches %q", tt.pattern, path)
			}
		}
	}
}

// BenchmarkLayer compares a request served by the LogScale API alone with
// the same request through the server's handler (journal, rules, buffered
// answer), with no rules loaded.
func BenchmarkLayer(b *testing.B) {
	s, err := newServer(newConfig(nil))
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range []struct {
		name string
		h    http.Handler
	}{{"routes", api.Serve(s.logscale)}, {"server", s.handler}} {
		b.Run(h.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ viewer { id } }"}`))
				r.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
				r.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.h.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
