package logscale

import (
	"fmt"
	"strings"
	"testing"
)

// TestQueryCache checks that a query sent again gets the document parsed
// the first time, and that the cache keeps its bounds: at most
// maxCachedQueries documents, none of a query longer than
// maxCachedQueryLength or of one that does not parse.
func TestQueryCache(t *testing.T) {
	t.Parallel()
	var c queryCache
	first, err := c.parse("{ viewer { id } }")
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.parse("{ viewer { id } }")
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Error("the same query was parsed again")
	}
	if _, err := c.parse("{ viewer { id }"); err == nil {
		t.Error("a query that does not parse: no error")
	}
	long := "{ viewer { id " + strings.Repeat(" ", maxCachedQueryLength) + "} }"
	a, err := c.parse(long)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.parse(long); a == b {
		t.Errorf("a query of %d bytes was kept", len(long))
	}
	if n := c.len(); n != 1 {
		t.Errorf("%d documents after one query that parses and is short enough, want 1", n)
	}
	for i := range 3 * maxCachedQueries {
		q := fmt.Sprintf("query Q%d { viewer { id } }", i)
		doc, err := c.parse(q)
		if err != nil {
			t.Fatal(err)
		}
		if got := doc.Operations[0].Name; got != fmt.Sprintf("Q%d", i) {
			t.Fatalf("query %d: operation %q", i, got)
		}
	}
	if n := c.len(); n != maxCachedQueries {
		t.Errorf("%d documents after %d distinct queries, want %d", n, 3*maxCachedQueries, maxCachedQueries)
	}
}
