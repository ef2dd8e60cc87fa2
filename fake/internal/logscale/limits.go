package logscale

import (
	"context"
	"errors"
	"sync/atomic"

	graphql "github.com/graph-gophers/graphql-go"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/graph-gophers/graphql-go/introspection"
	"github.com/graph-gophers/graphql-go/trace/tracer"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// errTooManyTokens refuses a create that would take the API past its
// token cap.
func errTooManyTokens(c api.Cap) error {
	return errors.New("Cannot create the token: " + c.Refusal() + ".")
}

// tokenCapReached reports whether creating a token of kind for owner would
// take the state past the cap: a personal token that replaces its owner's
// previous one adds nothing. The caller holds a.mu.
func (a *API) tokenCapReached(kind tokenKind, owner *user) bool {
	if kind == kindPersonal && owner != nil && a.st.personal[owner.id] != "" {
		return false
	}
	return a.env.Tokens.Reached(len(a.st.tokens))
}

// resultBudget counts the bytes a GraphQL result is sure to take as its
// fields are resolved, and stops the request once they exceed the cap.
type resultBudget struct {
	cap    api.Cap
	used   atomic.Int64
	cancel context.CancelCauseFunc
	// mutation is set for a mutation, which is not bounded: stopping it
	// or refusing its result would lose the answer to changes made. Its
	// result is bounded by the query's length and selections.
	mutation atomic.Bool
}

// errResultTooLarge is the cause a request is stopped with when its result
// exceeds the cap.
var errResultTooLarge = errors.New("result too large")

// resultMessage is the GraphQL error of a result past the cap, worded as
// Sangria words a query past its complexity limit.
func resultMessage(c api.Cap) string {
	return "Query result is too large: " + c.Refusal() + "."
}

// charge adds n bytes and stops the request if they exceed the cap.
func (b *resultBudget) charge(n int) {
	if b.cap.Max <= 0 || b.mutation.Load() {
		return
	}
	if b.cap.Exceeded(int(b.used.Add(int64(n)))) {
		b.cancel(errResultTooLarge)
	}
}

type budgetKey struct{}

// withResultBudget returns a context that carries a budget for the result
// of one request, and that is cancelled with errResultTooLarge when the
// result exceeds c. graphql-go resolves no field of a cancelled context.
func withResultBudget(ctx context.Context, c api.Cap) (context.Context, *resultBudget, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	b := &resultBudget{cap: c, cancel: cancel}
	return context.WithValue(ctx, budgetKey{}, b), b, cancel
}

// resultTracer charges each field resolved to the request's budget: the
// bytes of its name, quotes, colon and separator, and of the shortest value
// (one byte). That is the least the field adds to the result unless it is
// given a shorter alias, so a request is stopped early only when its result
// is all but sure to exceed the cap; a result that is not stopped early is
// measured exactly once finished.
type resultTracer struct{}

// TraceQuery does nothing.
func (resultTracer) TraceQuery(ctx context.Context, _, _ string, _ map[string]any, _ map[string]*introspection.Type) (context.Context, tracer.QueryFinishFunc) {
	return ctx, func([]*gqlerrors.QueryError) {}
}

// TraceField charges the field to the request's budget.
func (resultTracer) TraceField(ctx context.Context, _, typeName, fieldName string, _ bool, _ map[string]any) (context.Context, tracer.FieldFinishFunc) {
	if b, ok := ctx.Value(budgetKey{}).(*resultBudget); ok {
		if typeName == "Mutation" {
			b.mutation.Store(true)
		}
		b.charge(len(fieldName) + 5)
	}
	return ctx, func(*gqlerrors.QueryError) {}
}

// execBounded runs a GraphQL request within the API's result cap (a
// mutation is not bounded). It
// reports false, with no response, when the result would exceed the cap:
// either the fields resolved so far are sure to exceed it, and the request
// is stopped there, or the finished result does.
func (a *API) execBounded(ctx context.Context, schema *graphql.Schema, query, opName string, vars map[string]any) (*graphql.Response, bool) {
	ctx, b, cancel := withResultBudget(ctx, a.env.ResultBytes)
	defer cancel(nil)
	res := schema.Exec(ctx, query, opName, vars)
	if errors.Is(context.Cause(ctx), errResultTooLarge) || !b.mutation.Load() && b.cap.Exceeded(len(res.Data)) {
		return nil, false
	}
	return res, true
}

// tooLargeResponse answers a request whose result exceeds the cap: a
// request error without data.
func (a *API) tooLargeResponse() graphQLResponse {
	return graphQLResponse{Errors: []*gqlerrors.QueryError{{Message: resultMessage(a.env.ResultBytes)}}}
}

// chargeTokens charges a page of listed tokens to the request's budget as
// soon as it is listed, before its fields are resolved: for each token, the
// value of its id and name where selected, beyond the one byte per value
// that resolving the field charges. With that, a query that lists many
// tokens many times is stopped after it has listed about as many as fit in
// the cap, not after it has resolved them.
func chargeTokens(ctx context.Context, ts []*tokenResolver) {
	b, ok := ctx.Value(budgetKey{}).(*resultBudget)
	if !ok || b.cap.Max <= 0 {
		return
	}
	id, name := graphql.HasSelectedField(ctx, "results.id"), graphql.HasSelectedField(ctx, "results.name")
	n := 0
	for _, t := range ts {
		if id {
			n += len(t.t.id) + 1 // its quotes, less the byte charged already
		}
		if name {
			n += len(t.t.name) + 1
		}
	}
	b.charge(n)
}
