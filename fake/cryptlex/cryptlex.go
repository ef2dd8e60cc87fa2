// Package cryptlex is the fake's Cryptlex Web API v3 personal-access-token API, served at /v3/personal-access-tokens.
package cryptlex

import (
	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/vendor"
)

// PathPrefix is where the API is served.
const PathPrefix = "/v3/personal-access-tokens"

// Options are the Cryptlex settings that are not in the fixtures.
type Options struct {
	// NoRateLimit turns the per-address rate limit (50 requests per 5 s) off.
	NoRateLimit bool
}

// API is the Cryptlex API with its state.
type API struct {
	env     vendor.Env
	opts    Options
	limiter *limiter
}

// New builds the API from env.Fixtures (cryptlex.json).
func New(env vendor.Env, opts Options) (*API, error) {
	return &API{env: env, opts: opts, limiter: newLimiter(env.Now)}, nil
}

// Register adds the API's routes to r.
func (a *API) Register(r *mux.Router) {}

// Reset puts the state back to the fixtures.
func (a *API) Reset() { a.limiter.reset() }
