package fake

import "github.com/tokenfake/tokenfake/fake/internal/logscale"

// LogScaleSchema returns the GraphQL schema (SDL) the fake's LogScale API
// serves at POST /graphql: a subset of LogScale's schema with the same
// names and types, for GraphQL code generators such as genqlient. The
// same schema answers introspection queries.
func LogScaleSchema() string { return logscale.Schema() }
