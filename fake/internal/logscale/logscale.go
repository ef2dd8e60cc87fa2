// Package logscale is the fake's LogScale GraphQL token API, served at POST /graphql.
//
// The API keeps its state (users, repositories, views, dashboards, IP filters,
// tokens and the organization's token security policies) in memory, loaded
// from logscale.json in the fixtures and changed by mutations. Requests
// authenticate with a token string, "<id>~<secret>", as a Bearer token.
package logscale

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// Path is where the API is served.
const Path = "/graphql"

// API is the LogScale GraphQL API with its state. Its methods are safe for
// concurrent use.
type API struct {
	env     api.Env
	initial *state // from the fixtures; never changed

	mu sync.RWMutex
	st *state
}

// New builds the API from env.Fixtures (logscale.json). A missing file gives
// an API with no data; a malformed one an error that names the file.
func New(env api.Env) (*API, error) {
	st, err := loadFixtures(env.Fixtures)
	if err != nil {
		return nil, err
	}
	if _, err := executableSchema(); err != nil {
		return nil, fmt.Errorf("logscale schema: %w", err)
	}
	return &API{env: env, initial: st, st: st.clone()}, nil
}

// Name returns "logscale".
func (a *API) Name() string { return "logscale" }

// Prefixes returns the paths the API serves.
func (a *API) Prefixes() []string { return []string{Path} }

// Operations names the root fields and the operation name of a GraphQL
// request body (see Operations).
func (a *API) Operations(body []byte) []string { return Operations(body) }

// Register adds /graphql to r. Every method is routed to the API, which
// answers methods other than POST with 405; paths under /graphql/ get
// LogScale's 404.
func (a *API) Register(r *mux.Router) {
	r.Handle(Path, a)
	r.PathPrefix(Path + "/").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.Error(r, http.StatusNotFound).Write(w)
	})
}

// Reset puts the state back to the fixtures.
func (a *API) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.st = a.initial.clone()
}

// ipFilter returns the IP filter with id, or nil.
func (a *API) ipFilter(id string) *ipFilter {
	if id == "" {
		return nil
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.st.ipFiltersByID[id]
}

// organizationResolver resolves the organization as it is now.
func (a *API) organizationResolver() *organizationResolver {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return &organizationResolver{api: a, org: a.st.org}
}
