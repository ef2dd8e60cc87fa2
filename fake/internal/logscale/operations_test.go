package logscale_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake/internal/logscale"
)

func TestOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "anonymous query",
			body: `{"query":"{ tokens(sortBy: Name) { totalResults } }"}`,
			want: []string{"tokens"},
		},
		{
			name: "named mutation with two root fields and an alias",
			body: `{"query":"mutation Make { a: createPersonalUserToken(input: {}) deleteToken(input: {id: \"x\"}) }","operationName":"Make"}`,
			want: []string{"createPersonalUserToken", "deleteToken", "Make"},
		},
		{
			name: "operationName selects one of several",
			body: `{"query":"query A { viewer { id } } mutation B { rotateToken(input: {id: \"x\"}) }","operationName":"B"}`,
			want: []string{"rotateToken", "B"},
		},
		{
			name: "fragments at the root",
			body: `{"query":"query Q { ...F ... on Query { ipFilters { id } } } fragment F on Query { tokens(sortBy: Name) { totalResults } viewer { id } }"}`,
			want: []string{"tokens", "viewer", "ipFilters"},
		},
		{
			name: "operation name equal to a root field",
			body: `{"query":"query tokens { tokens(sortBy: Name) { totalResults } }","operationName":"tokens"}`,
			want: []string{"tokens"},
		},
		{name: "several operations, none chosen", body: `{"query":"query A { viewer { id } } query B { ipFilters { id } }"}`},
		{name: "unknown operationName", body: `{"query":"query A { viewer { id } }","operationName":"Z"}`},
		{name: "not JSON", body: `query { viewer { id } }`},
		{name: "no query", body: `{"operationName":"A"}`},
		{name: "query does not parse", body: `{"query":"query {"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := logscale.Operations([]byte(tt.body))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Operations() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
