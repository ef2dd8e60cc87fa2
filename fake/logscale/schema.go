package logscale

import (
	_ "embed"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"
)

// SDL is the GraphQL schema the API serves: a subset of LogScale's schema.
//
//go:embed schema.graphql
var SDL string

// Limits on a GraphQL request, beyond vendor.MaxBodyBytes on the body.
const (
	// MaxQueryDepth is the deepest selection nesting a query may have
	// (the standard introspection query needs 13).
	MaxQueryDepth = 20
	// MaxQueryLength is the longest query text, in bytes.
	MaxQueryLength = 64 << 10
	// MaxSelections is the most fields a query may select in all.
	MaxSelections = 5000
	// MaxTokensLimit is the largest page the tokens query returns; a larger
	// limit is lowered to it.
	MaxTokensLimit = 1000
	// DefaultTokensLimit is the page size of the tokens query when the
	// request gives none.
	DefaultTokensLimit = 50
)

// executableSchema returns the parsed schema bound to the resolvers. It is
// parsed once per process: it holds no state (resolvers find the API and
// the caller in the request's context), so every API shares it.
var executableSchema = sync.OnceValues(func() (*graphql.Schema, error) {
	return graphql.ParseSchema(SDL, &root{},
		graphql.MaxDepth(MaxQueryDepth),
		graphql.MaxQueryLength(MaxQueryLength),
		graphql.MaxSelections(MaxSelections),
		graphql.MaxParallelism(1),
		graphql.UseStringDescriptions(),
	)
})
