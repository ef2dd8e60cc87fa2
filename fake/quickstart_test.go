package fake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// TestQuickStart is the example test of the README, kept compiling and passing.
func TestQuickStart(t *testing.T) {
	srv := fake.Start(t) // a fresh fake on 127.0.0.1, closed when the test ends
	if err := srv.Script(fake.Rule{Match: fake.Match{Operation: "createSystemPermissionsTokenV2"},
		Times: 1, Respond: fake.Response{Status: 429}}); err != nil { // the first create is throttled
		t.Fatal(err)
	}
	create := `{"query":"mutation { createSystemPermissionsTokenV2(input: {name: \"ci\", systemPermissions: [ReadHealthCheck]}) { token } }"}`
	for _, want := range []int{429, 200} { // a client under test would retry after Retry-After
		req, _ := http.NewRequest("POST", srv.URL()+"/graphql", strings.NewReader(create))
		req.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil || res.StatusCode != want {
			t.Fatalf("create: %v, %v; want status %d", res, err, want)
		}
		res.Body.Close()
	}
	srv.AssertScriptsUsed(t)
	if n := srv.Count(fake.Filter{Operation: "createSystemPermissionsTokenV2"}); n != 2 {
		t.Errorf("journal shows %d creates, want 2", n)
	}
}
