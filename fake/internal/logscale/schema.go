package logscale

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"sync"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
)

// sdl is the GraphQL schema the API serves: a subset of LogScale's schema.
// It is never changed.
//
//go:embed schema.graphql
var sdl string

// Schema returns the GraphQL schema the API serves, in SDL: a subset of
// LogScale's schema, for code generators.
func Schema() string { return sdl }

// Limits on a GraphQL request, beyond api.MaxBodyBytes on the body.
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
	// MaxFieldPairs bounds how many pairs of same-named fields the validator
	// compares to check that they can be merged (graphql-go's
	// OverlapValidationLimit). That check costs time in the square of their
	// number; real queries compare a few dozen pairs.
	MaxFieldPairs = 50_000
	// DefaultTokensLimit is the page size of the tokens query when the
	// request gives none.
	DefaultTokensLimit = 50
)

// executableSchema returns the parsed schema bound to the resolvers. It is
// one immutable value per process, built once, by the first caller (New
// starts that on a goroutine) while later callers wait: it holds no state
// (resolvers find the API and the caller in the request's context), so
// every API shares it. TestSchema checks that it builds.
var executableSchema = sync.OnceValues(parseSchema)

// parseSchema parses the SDL and binds it to the resolvers.
// BenchmarkParseSchema measures it.
func parseSchema() (*graphql.Schema, error) {
	return graphql.ParseSchema(sdl, &root{},
		graphql.MaxDepth(MaxQueryDepth),
		graphql.MaxQueryLength(MaxQueryLength),
		graphql.MaxSelections(MaxSelections),
		graphql.OverlapValidationLimit(MaxFieldPairs),
		graphql.MaxParallelism(1),
		graphql.UseStringDescriptions(),
		graphql.UseFieldResolvers(),
		graphql.Logger(panicLogger{}),
		graphql.PanicHandler(panicHandler{}),
		graphql.Tracer(resultTracer{}),
	)
}

// startSchema starts building the schema on a goroutine of its own, once
// per process, so that in a new process the rest of the server starts
// meanwhile; the first request waits for it.
var startSchema = sync.OnceFunc(func() {
	go func() { _, _ = executableSchema() }()
})

// panicLogger sends a panic recovered by graphql-go to the logger of the API
// that served the request.
type panicLogger struct{}

// LogPanic logs value at error level.
func (panicLogger) LogPanic(ctx context.Context, value any) {
	if c, ok := ctx.Value(callKey{}).(*call); ok && c.api.env.Logger != nil {
		c.api.env.Logger.ErrorContext(ctx, "logscale: panic during a GraphQL request", "panic", value)
	}
}

// panicHandler turns a panic recovered by graphql-go into a GraphQL error.
// graphql-go panics on an integer literal beyond 64 bits; that is reported
// as the value being out of range.
type panicHandler struct{}

// MakePanicError returns the error for value.
func (panicHandler) MakePanicError(_ context.Context, value any) *gqlerrors.QueryError {
	var num *strconv.NumError
	if err, ok := value.(error); ok && errors.As(err, &num) {
		return &gqlerrors.QueryError{Message: fmt.Sprintf("Value %s is out of range.", num.Num)}
	}
	return &gqlerrors.QueryError{Message: ErrorText(500)}
}
