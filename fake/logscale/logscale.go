// Package logscale is the fake's LogScale GraphQL token API, served at POST /graphql.
package logscale

import (
	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/vendor"
)

// Path is where the API is served.
const Path = "/graphql"

// API is the LogScale GraphQL API with its state.
type API struct {
	env vendor.Env
}

// New builds the API from env.Fixtures (logscale.json).
func New(env vendor.Env) (*API, error) {
	return &API{env: env}, nil
}

// Register adds POST /graphql to r.
func (a *API) Register(r *mux.Router) {}

// Reset puts the state back to the fixtures.
func (a *API) Reset() {}
