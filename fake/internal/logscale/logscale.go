// Package logscale is the fake's LogScale GraphQL token API, served at POST /graphql.
//
// The API keeps its state (users, repositories, views, dashboards, IP filters,
// tokens and the organization's token security policies) in memory, loaded
// from logscale.json in the fixtures and changed by mutations. Requests
// authenticate with a token string, "<id>~<secret>", as a Bearer token.
package logscale

import (
	"io/fs"
	"sync"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fixtures"
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
	load := loadFixtures
	if api.IsDefaultFixtures(env.Fixtures) {
		load = func(fs.FS) (*state, error) { return defaultState() }
	}
	st, err := load(env.Fixtures)
	if err != nil {
		return nil, err
	}
	// The schema is built on its own goroutine, so that in a new process
	// the rest of the server starts meanwhile; the first request waits for
	// it.
	go func() { _, _ = executableSchema() }()
	return &API{env: env, initial: st, st: st.clone()}, nil
}

// defaultState is the state of the default fixtures, loaded once per
// process: like every API's initial state, it is never changed.
var defaultState = sync.OnceValues(func() (*state, error) { return loadFixtures(fixtures.FS()) })

// Register adds /graphql to r. Every method is routed to the API, which
// answers methods other than POST with 405.
func (a *API) Register(r *mux.Router) {
	r.Handle(Path, a)
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
