package fake_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// A rule makes every Cryptlex token create answer 409 the way Cryptlex
// does; the journal then tells what was called and who answered.
func ExampleServer_Script() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	err = srv.Script(fake.Rule{
		Name:    "duplicate name",
		Match:   fake.Match{API: fake.APICryptlex, Method: "POST", Path: "/v3/personal-access-tokens"},
		Respond: fake.Response{Status: http.StatusConflict},
	})
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequest("POST", srv.URL()+"/v3/personal-access-tokens", strings.NewReader(`{"name":"ci","scopes":["license:read"]}`))
	req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get(fake.RuleHeader))
	for _, r := range srv.Requests(fake.Filter{API: fake.APICryptlex}) {
		fmt.Println(r.Method, r.Path, r.Status, r.Rule)
	}
	// Output:
	// 409 application/json; charset=utf-8 duplicate name
	// POST /v3/personal-access-tokens 409 duplicate name
}

// A built-in scenario loaded at start: Unleash answers its first two calls
// with 429 and Retry-After, then recovers.
func ExampleWithScenario() {
	srv, err := fake.NewServer(fake.WithScenario("rate-limit"))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	for range 3 {
		req, _ := http.NewRequest("GET", srv.URL()+"/api/admin/user/tokens", nil)
		req.Header.Set("Authorization", fixtures.UnleashToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Printf("%d Retry-After=%q\n", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	fmt.Println(srv.Count(fake.Filter{API: fake.APIUnleash, Status: 429}), "throttled")
	// Output:
	// 429 Retry-After="1"
	// 429 Retry-After="1"
	// 200 Retry-After=""
	// 2 throttled
}
