package fake_test

import (
	"testing"

	"github.com/tokenfake/tokenfake/fake"
)

// BenchmarkTokensPage1000 measures a page of 1,000 tokens with three fields
// each, through HTTP: the cost of counting a GraphQL result against
// Limits.GraphQLResultBytes shows here, against the same run with the
// limit removed.
func BenchmarkTokensPage1000(b *testing.B) {
	const query = `{"query":"{ tokens(sortBy: Name, limit: 1000) { totalResults results { id name expireAt } } }"}`
	for _, bc := range []struct {
		name   string
		limits fake.Limits
	}{
		{"limited", fake.Limits{}},
		{"unlimited", fake.Limits{GraphQLResultBytes: -1}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv, err := fake.NewServer(fake.WithFixtures(bigStore(b, 10_000)), fake.WithLimits(bc.limits))
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			b.ReportAllocs()
			for b.Loop() {
				postGraphQL(b, srv, "admintoken~secret", query)
			}
		})
	}
}
