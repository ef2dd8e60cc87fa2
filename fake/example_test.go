package fake_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// ExampleStart lists LogScale tokens on a fake started with the default
// fixtures, as a test would with fake.Start(t).
func ExampleStart() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	body := `{"query":"{ tokens(sortBy: Name, orderBy: ASC, limit: 3) { totalResults results { name expireAt } } }"}`
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/graphql", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.StatusCode, string(out))
	// Output:
	// 200 {"data":{"tokens":{"totalResults":7,"results":[{"name":"Cluster Management","expireAt":null},{"name":"jenkinsAuto","expireAt":null},{"name":"Tester","expireAt":1731258131010}]}}}
}
