// Package logscale is the fake's LogScale GraphQL token API, served at POST
// /graphql, with the ingest endpoints that LogScale's ingest tokens unlock.
//
// The API keeps its state (users, repositories with their parsers and ingest
// tokens, views, dashboards, IP filters, tokens and the organization's token
// security policies) in memory, loaded from logscale.json in the fixtures and
// changed by mutations. GraphQL requests authenticate with a token string,
// "<id>~<secret>", as a Bearer token; ingest requests with an ingest token.
// Ingested events are counted, not kept.
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
	// ingested counts what each ingest token sent; Reset clears it.
	ingested map[ingestKey]IngestCount
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
	return &API{env: env, initial: st, st: st.clone(), ingested: map[ingestKey]IngestCount{}}, nil
}

// Title returns "LogScale".
func (a *API) Title() string { return "LogScale" }

// Routes describes the API's routes.
func (a *API) Routes() []api.Route {
	return []api.Route{
		{Method: "POST", Path: Path, Does: "LogScale's GraphQL API: tokens, ingest tokens, IP filters, token security policies, dashboard links (introspection works)"},
		{Method: "POST", Path: PathIngestStructured, Does: "ingest structured events with an ingest token"},
		{Method: "POST", Path: PathIngestUnstructured, Does: "ingest lines for a parser with an ingest token"},
		{Method: "POST", Path: PathIngestHEC, Does: "ingest Splunk HEC events (also at " + PathIngestHECAlias + ")"},
		{Method: "POST", Path: PathIngestRaw, Does: "ingest a raw body as one event"},
	}
}

// Name returns "logscale".
func (a *API) Name() string { return "logscale" }

// Prefixes returns the paths the API serves: /graphql and those of the
// ingest endpoints.
func (a *API) Prefixes() []string { return []string{Path, ingestPrefix, PathIngestHECAlias} }

// Operations names the root fields and the operation name of a GraphQL
// request body (see Operations); requests to other paths have none.
func (a *API) Operations(path string, body []byte) []string {
	if path != Path {
		return nil
	}
	return Operations(body)
}

// Register adds /graphql and the ingest endpoints to r. Every method is
// routed to the API, which answers methods other than POST with 405; other
// paths under its prefixes get LogScale's 404.
func (a *API) Register(r *mux.Router) {
	r.Handle(Path, a)
	for _, e := range ingestEndpoints() {
		h := a.ingestHandler(e)
		r.Handle(e.path, h)
		r.Handle(e.path+"/", h)
	}
	for _, p := range a.Prefixes() {
		r.PathPrefix(p + "/").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a.Error(r, http.StatusNotFound).Write(w)
		})
	}
}

// Reset puts the state back to the fixtures and forgets what was ingested.
func (a *API) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.st = a.initial.clone()
	a.ingested = map[ingestKey]IngestCount{}
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
