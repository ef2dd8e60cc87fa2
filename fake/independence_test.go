package fake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// TestServersShareNoState changes every API of one server and checks that
// another server started before it, one started after it, and the first
// one after Reset, all answer as the fixtures say. Servers in a process
// share the fixtures' state until they change it.
func TestServersShareNoState(t *testing.T) {
	t.Parallel()
	const (
		logscaleList = `{"query":"{ tokens(sortBy: Name) { totalResults results { name } } }"}`
		logscaleAdd  = `{"query":"mutation { createSystemPermissionsTokenV2(input: {name: \"changed\", systemPermissions: [ReadHealthCheck]}) { token } }"}`
		unleashAdd   = `{"description":"changed","expiresAt":"2030-01-01T00:00:00Z"}`
		cryptlexAdd  = `{"name":"changed","scopes":["license:read"],"expiresAt":"2030-01-01T00:00:00Z"}`
	)
	logscaleAuth, cryptlexAuth := "Bearer "+fixtures.LogScaleToken, "Bearer "+fixtures.CryptlexToken
	at := fake.WithTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) // the same answers from every server
	// lists answers each API's list of tokens.
	lists := func(srv *fake.Server) [3]string {
		t.Helper()
		var out [3]string
		for i, c := range []struct{ method, path, auth, body string }{
			{"POST", "/graphql", logscaleAuth, logscaleList},
			{"GET", "/api/admin/user/tokens", fixtures.UnleashToken, ""},
			{"GET", "/v3/personal-access-tokens?limit=100", cryptlexAuth, ""},
		} {
			status, body := credCall(t, srv, c.method, c.path, c.auth, c.body)
			if status != 200 {
				t.Fatalf("%s %s: %d %s", c.method, c.path, status, body)
			}
			out[i] = body
		}
		return out
	}

	before := fake.Start(t, at)
	changed := fake.Start(t, at)
	want := lists(before)
	for _, c := range []struct{ path, auth, body string }{
		{"/graphql", logscaleAuth, logscaleAdd},
		{"/api/admin/user/tokens", fixtures.UnleashToken, unleashAdd},
		{"/v3/personal-access-tokens", cryptlexAuth, cryptlexAdd},
	} {
		if status, body := credCall(t, changed, "POST", c.path, c.auth, c.body); status/100 != 2 || strings.Contains(body, `"errors"`) {
			t.Fatalf("POST %s: %d %s", c.path, status, body)
		}
	}
	for i, got := range lists(changed) {
		if !strings.Contains(got, `"changed"`) {
			t.Errorf("API %d of the server changed: the new token is missing from %.300s", i, got)
		}
	}
	after := fake.Start(t, at)
	for name, srv := range map[string]*fake.Server{"started before": before, "started after": after} {
		if got := lists(srv); got != want {
			t.Errorf("a server %s answers\n%q\nwant\n%q", name, got, want)
		}
	}
	changed.Reset()
	if got := lists(changed); got != want {
		t.Errorf("after Reset the server answers\n%q\nwant\n%q", got, want)
	}
}
