package logscale_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tokenfake/tokenfake/fake"
)

func TestFixtureErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		want []string // all must appear in the error
	}{
		{name: "not JSON", file: `{"users": [}`, want: []string{"logscale.json", "line 1, column 12", "invalid character"}},
		{name: "unknown field", file: `{"tokenz": []}`, want: []string{"logscale.json", `line 1, column 2: tokenz: unknown field (known: organization, `}},
		{name: "wrong type", file: "{\n  \"users\": {}\n}", want: []string{"logscale.json", "line 2", "cannot unmarshal"}},
		{name: "trailing data", file: `{} {}`, want: []string{"logscale.json", "after the top-level object"}},
		{name: "bad token type", file: `{"tokens":[{"id":"a","secret":"b","type":"ingest","name":"x"}]}`,
			want: []string{"logscale.json", "tokens[0]", `type "ingest"`}},
		{name: "token without secret", file: `{"tokens":[{"id":"a","type":"system","name":"x"}]}`,
			want: []string{"logscale.json", "tokens[0]", "secret"}},
		{name: "personal token of an unknown user", file: `{"tokens":[{"id":"a","secret":"b","type":"personal","userId":"nobody"}]}`,
			want: []string{"logscale.json", "tokens[0]", `"nobody"`}},
		{name: "view token with an unknown view", file: `{"tokens":[{"id":"a","secret":"b","type":"view","name":"x","viewIds":["v"]}]}`,
			want: []string{"logscale.json", "tokens[0]", `"v"`}},
		{name: "dashboard of an unknown search domain", file: `{"dashboards":[{"id":"d","name":"x","searchDomain":"nope"}]}`,
			want: []string{"logscale.json", "dashboards[0]", `"nope"`}},
		{name: "bad IP filter", file: `{"ipFilters":[{"id":"f","name":"x","ipFilter":"allow 300.1.1.1"}]}`,
			want: []string{"logscale.json", "ipFilters[0]", "line 1"}},
		{name: "view connected to an unknown repository", file: `{"views":[{"id":"v","name":"x","connections":[{"repository":"nope","filter":"*"}]}]}`,
			want: []string{"logscale.json", "views[0]", "connections[0]", `"nope"`}},
		{name: "view connected to a view", file: `{"views":[{"id":"v","name":"x"},{"id":"w","name":"y","connections":[{"repository":"x"}]}]}`,
			want: []string{"logscale.json", "views[1]", "connections[0]", `"x"`}},
		{name: "repository with connections", file: `{"repositories":[{"id":"r","name":"x"},{"id":"s","name":"y","connections":[{"repository":"x"}]}]}`,
			want: []string{"logscale.json", "repositories[1]", "connections"}},
		{name: "view with ingest tokens", file: `{"views":[{"id":"v","name":"x","ingestTokens":[{"name":"a","token":"t"}]}]}`,
			want: []string{"logscale.json", "views[0]", "ingest tokens"}},
		{name: "ingest token with an unknown parser", file: `{"repositories":[{"id":"r","name":"x","ingestTokens":[{"name":"a","token":"t","parser":"nope"}]}]}`,
			want: []string{"logscale.json", "repositories[0].ingestTokens[0]", `"nope"`}},
		{name: "ingest token without a token", file: `{"repositories":[{"id":"r","name":"x","ingestTokens":[{"name":"a"}]}]}`,
			want: []string{"logscale.json", "repositories[0].ingestTokens[0]", "token"}},
		{name: "ingest token with a space", file: `{"repositories":[{"id":"r","name":"x","ingestTokens":[{"name":"a","token":"t u"}]}]}`,
			want: []string{"logscale.json", "repositories[0].ingestTokens[0]", "without spaces"}},
		{name: "duplicate ingest token name", file: `{"repositories":[{"id":"r","name":"x","ingestTokens":[{"name":"a","token":"t"},{"name":"a","token":"u"}]}]}`,
			want: []string{"logscale.json", "repositories[0].ingestTokens[1]", `duplicate name "a"`}},
		{name: "ingest token string used twice", file: `{"repositories":[{"id":"r","name":"x","ingestTokens":[{"name":"a","token":"t"}]},{"id":"s","name":"y","ingestTokens":[{"name":"b","token":"t"}]}]}`,
			want: []string{"logscale.json", "repositories[1].ingestTokens[0]", "duplicate token"}},
		{name: "duplicate parser name", file: `{"repositories":[{"id":"r","name":"x","parsers":[{"name":"p"},{"name":"p"}]}]}`,
			want: []string{"logscale.json", "repositories[0].parsers[1]", `duplicate name "p"`}},
		{name: "parser without a name", file: `{"repositories":[{"id":"r","name":"x","parsers":[{"id":"p"}]}]}`,
			want: []string{"logscale.json", "repositories[0].parsers[0]", "name"}},
		{name: "duplicate token id", file: `{"tokens":[{"id":"a","secret":"b","type":"system","name":"x"},{"id":"a","secret":"c","type":"system","name":"y"}]}`,
			want: []string{"logscale.json", "tokens[1]", "duplicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := fake.NewServer(fake.WithFixtures(fstest.MapFS{"logscale.json": {Data: []byte(tt.file)}}))
			if err == nil {
				t.Fatal("NewServer succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestFixturesMissingFile starts LogScale empty when logscale.json is absent.
func TestFixturesMissingFile(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithFixtures(fstest.MapFS{}))
	res := do(t, srv, "POST", "/graphql", "a~b", `{"query":"{ viewer { id } }"}`)
	if res.status != 401 {
		t.Errorf("status = %d, want 401: no token exists", res.status)
	}
}

// TestFixturesOwnFile serves a user's own data set.
func TestFixturesOwnFile(t *testing.T) {
	t.Parallel()
	file := `{
  "users": [{"id": "u1", "username": "me", "company": "Acme", "countryCode": "DK", "createdAt": "2025-01-01T00:00:00Z"}],
  "repositories": [{"id": "r1", "name": "logs", "automaticSearch": false}],
  "views": [{"id": "v1", "name": "all", "connections": [{"repository": "logs", "filter": "#type=web"}]}],
  "organization": {"id": "org", "name": "Org", "tokenSecurityPolicies": {"viewPermissionTokensAllowPermissionUpdates": true}},
  "tokens": [
    {"id": "t1", "secret": "s1", "type": "personal", "userId": "u1", "createdAt": 1},
    {"id": "t2", "secret": "s2", "type": "view", "name": "v", "viewIds": ["r1"], "permissions": ["ReadAccess"], "createdAt": 2}
  ]
}`
	srv := fake.Start(t, fake.WithFixtures(fstest.MapFS{"logscale.json": {Data: []byte(file)}}))
	res := gql(t, srv, "t1~s1", `{ viewer { username } tokens(sortBy: Name) { results { id } } organization { configs { tokens { viewPermissionTokensAllowPermissionUpdates } } }
		users { company countryCode picture }
		searchDomains { __typename name automaticSearch ... on View { isFederated connections { repository { name } filter } } } }`, nil)
	wantJSON(t, res.body, `{"data":{"viewer":{"username":"me"},"tokens":{"results":[{"id":"t2"}]},
		"organization":{"configs":{"tokens":{"viewPermissionTokensAllowPermissionUpdates":true}}},
		"users":[{"company":"Acme","countryCode":"DK","picture":null}],
		"searchDomains":[{"__typename":"Repository","name":"logs","automaticSearch":false},
			{"__typename":"View","name":"all","automaticSearch":true,"isFederated":false,"connections":[{"repository":{"name":"logs"},"filter":"#type=web"}]}]}}`)
}
