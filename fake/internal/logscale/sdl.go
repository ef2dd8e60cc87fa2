package logscale

// Schema returns the GraphQL schema the API serves, in SDL: a subset of
// LogScale's schema, for GraphQL code generators.
func Schema() string { return SDL }
