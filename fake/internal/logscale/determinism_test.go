package logscale_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// TestDeterminism runs the same requests against two servers with the same
// seed and clock and expects byte-identical answers, generated ids and
// secrets included.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	const invalid = `{"query":"{ nope }"}` // the one request that must fail
	requests := []string{
		`{"query":"mutation { createViewPermissionsTokenV2(input: {name: \"a\", viewIds: [\"` + allLogsID + `\"], viewPermissions: [ReadAccess]}) { token tokenMetadata { id createdAt permissions } } }"}`,
		`{"query":"mutation { createSystemPermissionsToken(input: {name: \"b\", permissions: [ReadHealthCheck]}) }"}`,
		`{"query":"mutation { createIPFilter(input: {name: \"c\", ipFilter: \"allow all\"}) { id } }"}`,
		`{"query":"mutation { createReadonlyToken(id: \"abc123\", name: \"d\") { token } }"}`,
		`{"query":"mutation { rotateToken(input: {id: \"` + clusterMgmtID + `\"}) }"}`,
		`{"query":"{ tokens(sortBy: ExpirationDate, orderBy: DESC) { totalResults results { id name createdAt expireAt } } }"}`,
		invalid,
		`{"query":"mutation { createPersonalUserTokenV2(input: {}) { token } }"}`,
	}
	run := func() [][]byte {
		srv := fake.Start(t, fake.WithSeed(42), fake.WithTime(at))
		var out [][]byte
		for _, body := range requests {
			res := do(t, srv, http.MethodPost, "/graphql", fixtures.LogScaleToken, body)
			if errs, _ := errorsOf(t, res); (len(errs) > 0) != (body == invalid) {
				t.Errorf("%s: answered %s", body, res.body)
			}
			out = append(out, res.body)
		}
		return out
	}
	first, second := run(), run()
	for i := range requests {
		if !bytes.Equal(first[i], second[i]) {
			t.Errorf("request %d: answers differ:\n%s\n%s", i, first[i], second[i])
		}
	}
	// A different seed draws different ids.
	other := fake.Start(t, fake.WithSeed(43), fake.WithTime(at))
	res := do(t, other, http.MethodPost, "/graphql", fixtures.LogScaleToken, requests[0])
	if bytes.Equal(res.body, first[0]) {
		t.Errorf("seeds 42 and 43 gave the same token: %s", res.body)
	}
}

// TestReset puts the state back to the fixtures.
func TestReset(t *testing.T) {
	t.Parallel()
	srv := start(t)
	before := admin(t, srv, snapshotQuery, nil)
	admin(t, srv, `mutation { deleteToken(input: {id: "`+clusterMgmtID+`"}) }`, nil)
	admin(t, srv, `mutation { createIPFilter(input: {name: "x", ipFilter: "deny all"}) { id } }`, nil)
	srv.Reset()
	wantJSON(t, admin(t, srv, snapshotQuery, nil).body, string(before.body))
}
