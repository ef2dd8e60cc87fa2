package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fixtures"
)

// missRules returns n rules that a GET of Unleash's token list, or a
// LogScale viewer query, must check in full and that none of them matches.
func missRules(n int) []Rule {
	rules := make([]Rule, n)
	for i := range rules {
		switch i % 4 {
		case 0:
			rules[i] = Rule{Match: Match{Method: "GET", Path: "/api/admin/user/tokens/{id}"}, Respond: Response{Status: 500}}
		case 1:
			rules[i] = Rule{Match: Match{API: APILogScale, Operation: fmt.Sprintf("op%d", i)}, Respond: Response{Status: 500}}
		case 2:
			rules[i] = Rule{Match: Match{API: APICryptlex}, Times: 1, Respond: Response{Status: 429}}
		default:
			rules[i] = Rule{Match: Match{Method: "POST", Path: "/api/admin/{rest...}"}, After: 3, Respond: Response{Status: 503}}
		}
	}
	return rules
}

// BenchmarkScriptOverhead serves requests through Handler with no rules and
// with 100 rules that all have to be checked; the difference between the
// two is the cost of rule matching per request.
func BenchmarkScriptOverhead(b *testing.B) {
	requests := map[string]func() *http.Request{
		"unleash": func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/api/admin/user/tokens", nil)
			r.Header.Set("Authorization", fixtures.UnleashToken)
			return r
		},
		"logscale": func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ viewer { id } }"}`))
			r.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
			r.Header.Set("Content-Type", "application/json")
			return r
		},
	}
	for _, api := range []string{"unleash", "logscale"} {
		for _, n := range []int{0, 100} {
			b.Run(fmt.Sprintf("%s/rules=%d", api, n), func(b *testing.B) {
				srv := Start(b, WithJournalLimit(1000))
				if err := srv.Script(missRules(n)...); err != nil {
					b.Fatal(err)
				}
				h := srv.Handler()
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, requests[api]())
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
			})
		}
	}
}

// BenchmarkMatch100Rules is the rule engine alone: picking the answer to a
// request among the 100 rules of missRules, none of which matches, so every
// one is checked.
func BenchmarkMatch100Rules(b *testing.B) {
	s := &script{}
	for i, r := range missRules(100) {
		c, err := compileRule(r, "", i)
		if err != nil {
			b.Fatal(err)
		}
		s.add([]*rule{c})
	}
	c := &incoming{api: APIUnleash, method: "GET", path: "/api/admin/user/tokens"}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.pick(c); ok {
			b.Fatal("a rule matched")
		}
	}
}
