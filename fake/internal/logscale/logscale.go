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
	"io/fs"
	"log/slog"
	"net/http"
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
	// st is the state: initial itself until the first change since New
	// or Reset, then a copy of it that the API changes (lockToChange).
	st *state
	// ingested counts what each ingest token sent; Reset clears it.
	ingested map[ingestKey]IngestCount
	// queries are the documents of the queries parsed last.
	queries queryCache
}

// New builds the API from env.Fixtures (logscale.json). A missing file gives
// an API with no data; a malformed one an error that names the file.
func New(env api.Env) (*API, error) {
	startSchema() // first: in a new process the schema builds while the fixtures are decoded
	load := loadFixtures
	if api.IsDefaultFixtures(env.Fixtures) {
		load = func(fs.FS) (*state, error) { return defaultState() }
	}
	st, err := load(env.Fixtures)
	if err != nil {
		return nil, err
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{env: env, initial: st, st: st, ingested: map[ingestKey]IngestCount{}}, nil
}

// defaultState is the state of the default fixtures, loaded once per
// process: like every API's initial state, it is never changed.
var defaultState = sync.OnceValues(func() (*state, error) { return loadFixtures(fixtures.FS()) })

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
// request to /graphql with body, and returns the request parsed, a
// *Request, for ServeHTTP to serve without decoding body again. Requests to
// other paths have no operations.
func (a *API) Operations(r *http.Request, body []byte) (any, []string) {
	if r.URL.Path != Path {
		return nil, nil
	}
	pr := a.parseRequest(body)
	return pr, pr.Operations()
}

// Router returns the routes of /graphql and the ingest endpoints. Every
// method is routed to the API, which answers methods other than POST with
// 405; other paths under its prefixes get LogScale's 404.
func (a *API) Router() *mux.Router { return router() }

// router is the router of every LogScale API in the process.
var router = sync.OnceValue(func() *mux.Router {
	r := api.NewRouter[*API]()
	r.Handle(Path, api.Handler((*API).ServeHTTP))
	for _, e := range ingestEndpoints() {
		h := ingestHandler(e)
		r.Handle(e.path, h)
		r.Handle(e.path+"/", h)
	}
	return r
})

// Reset puts the state back to the fixtures and forgets what was ingested.
func (a *API) Reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.st = a.initial
	a.ingested = map[ingestKey]IngestCount{}
}

// lockToChange locks the state to change it, with a.mu, and makes it the
// API's own copy of the fixtures' state if it is not yet: a server that
// changes nothing never copies it.
func (a *API) lockToChange() {
	a.mu.Lock()
	if a.st == a.initial {
		a.st = a.initial.clone()
	}
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
