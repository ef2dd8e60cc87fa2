package logscale

import (
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// The bounds of an API's parsed queries (queryCache).
const (
	// maxCachedQueries is how many distinct queries an API keeps parsed.
	maxCachedQueries = 64
	// maxCachedQueryLength is the longest query an API keeps parsed, in
	// bytes; longer ones are parsed every time.
	maxCachedQueryLength = 8 << 10
)

// queryCache keeps the documents of the queries an API parsed last, so that
// a client sending the same query again (as clients do: their queries are
// constants) has it parsed once. A document is read, never changed, by
// whoever gets it. It holds at most maxCachedQueries documents of queries
// of at most maxCachedQueryLength bytes: when it is full, a new query
// replaces one of them.
type queryCache struct {
	mu   sync.Mutex
	docs map[string]*ast.QueryDocument
}

// parse returns query's document, or the error for a query that does not
// parse.
func (c *queryCache) parse(query string) (*ast.QueryDocument, error) {
	if len(query) > maxCachedQueryLength {
		return parser.ParseQuery(&ast.Source{Input: query})
	}
	c.mu.Lock()
	doc := c.docs[query]
	c.mu.Unlock()
	if doc != nil {
		return doc, nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.docs == nil {
		c.docs = make(map[string]*ast.QueryDocument)
	}
	if len(c.docs) >= maxCachedQueries {
		for q := range c.docs { // any one: map iteration order is random
			delete(c.docs, q)
			break
		}
	}
	c.docs[query] = doc
	return doc, nil
}

// len returns how many documents c holds.
func (c *queryCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.docs)
}
