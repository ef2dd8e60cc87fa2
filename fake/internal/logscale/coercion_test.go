package logscale_test

import (
	"net/http"
	"testing"

	"github.com/tokenfake/tokenfake/fixtures"
)

// TestVariableCoercionErrors checks that a variable value of the wrong type
// is refused in Sangria's words, as LogScale refuses it, with no data and
// no change.
func TestVariableCoercionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want string
	}{
		{
			name: "number for a String!",
			body: `{"query":"query($x: String!) { token(tokenId: $x) { name } }","variables":{"x":5}}`,
			want: `{"errors":[{"message":"Variable '$x' expected value of type 'String!' but got: 5. Reason: String value expected"}]}`,
		},
		{
			name: "string for an Int",
			body: `{"query":"query Page($skip: Int) { tokens(sortBy: Name, skip: $skip) { totalResults } }","variables":{"skip":"two"}}`,
			want: `{"errors":[{"message":"Variable '$skip' expected value of type 'Int' but got: \"two\". Reason: Int value expected"}]}`,
		},
		{
			name: "fraction for an Int",
			body: `{"query":"query($l: Int) { tokens(sortBy: Name, limit: $l) { totalResults } }","variables":{"l":1.5}}`,
			want: `{"errors":[{"message":"Variable '$l' expected value of type 'Int' but got: 1.5. Reason: Int value expected"}]}`,
		},
		{
			name: "inside an input object",
			body: `{"query":"mutation($in: IPFilterInput!) { createIPFilter(input: $in) { id } }","variables":{"in":{"name":5,"ipFilter":"allow all"}}}`,
			want: `{"errors":[{"message":"Variable '$in' expected value of type 'IPFilterInput!' but got: {ipFilter: \"allow all\", name: 5}. Reason: [in field 'name'] String value expected"}]}`,
		},
		{
			name: "a boolean for a String, in the operation operationName names",
			body: `{"query":"query A { viewer { username } } query B($s: String) { tokens(sortBy: Name, searchFilter: $s) { totalResults } }","operationName":"B","variables":{"s":true}}`,
			want: `{"errors":[{"message":"Variable '$s' expected value of type 'String' but got: true. Reason: String value expected"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			before := admin(t, srv, snapshotQuery, nil)
			res := do(t, srv, http.MethodPost, "/graphql", fixtures.LogScaleToken, tt.body)
			if res.status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", res.status, res.body)
			}
			wantJSON(t, res.body, tt.want)
			wantJSON(t, admin(t, srv, snapshotQuery, nil).body, string(before.body))
		})
	}
}
