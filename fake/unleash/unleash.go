// Package unleash is the fake's Unleash admin personal-access-token API, served at /api/admin/user/tokens.
package unleash

import (
	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/vendor"
)

// PathPrefix is where the API is served.
const PathPrefix = "/api/admin/user/tokens"

// Options are the Unleash settings that are not in the fixtures.
type Options struct {
	// PATsDisabled turns personal access tokens off, as Unleash's kill
	// switch does: GET and POST answer 404 "PATs are disabled.".
	PATsDisabled bool
}

// API is the Unleash API with its state.
type API struct {
	env  vendor.Env
	opts Options
}

// New builds the API from env.Fixtures (unleash.json).
func New(env vendor.Env, opts Options) (*API, error) {
	return &API{env: env, opts: opts}, nil
}

// Register adds the API's routes to r.
func (a *API) Register(r *mux.Router) {}

// Reset puts the state back to the fixtures.
func (a *API) Reset() {}

// DefaultPATLimit is how many PATs a user may hold, as in Unleash's default
// resource limits.
const DefaultPATLimit = 10

func (a *API) limit() int { return DefaultPATLimit }
