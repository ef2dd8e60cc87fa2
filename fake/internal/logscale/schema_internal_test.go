package logscale

import "testing"

// TestSchema checks that the schema builds: New does not wait for it, so a
// broken SDL or resolver would otherwise show only as a 500 on /graphql.
func TestSchema(t *testing.T) {
	t.Parallel()
	if _, err := executableSchema(); err != nil {
		t.Fatalf("executableSchema: %v", err)
	}
}

// BenchmarkParseSchema measures building the schema, which a new process
// does before it answers its first GraphQL request.
func BenchmarkParseSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseSchema(); err != nil {
			b.Fatal(err)
		}
	}
}
