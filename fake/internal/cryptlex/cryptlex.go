// Package cryptlex is the fake's Cryptlex Web API v3 personal-access-token
// API, served at /v3/personal-access-tokens, with the webhooks that report
// changes to those tokens, served at /v3/webhooks.
//
// Tokens are RS256 JWTs signed with the key of the fixtures
// (cryptlex-signing-key.pem); a token authenticates while the personal
// access token named by its jti claim exists, is not revoked and has not
// expired by the fake's clock. Every client address may make 50 requests per
// 5-second window, as Cryptlex documents.
package cryptlex

import (
	"io/fs"
	"log/slog"
	"sync"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/webhook"
	"github.com/tokenfake/tokenfake/fixtures"
)

// PathPrefix is where the API is served.
const PathPrefix = "/v3/personal-access-tokens"

// Options are the Cryptlex settings that are not in the fixtures.
type Options struct {
	// NoRateLimit turns the per-address rate limit (50 requests per 5 s) off.
	NoRateLimit bool
	// WebhookHosts are the hosts webhooks may be delivered to; nil allows
	// loopback only.
	WebhookHosts *webhook.Allowlist
	// WebhookScript, if set, says what the scripted rules do to a delivery
	// of an event.
	WebhookScript func(event string) webhook.Script
}

// API is the Cryptlex API with its state.
type API struct {
	env     api.Env
	opts    Options
	data    *dataSet
	signer  *Signer
	sign    func(*Claims) (string, error) // signer.Sign; benchmarks replace it
	limiter *limiter
	hosts   *webhook.Allowlist
	hooks   *webhook.Dispatcher
	// fixtureJWTs are the signed tokens of the fixtures' PATs, in fixture
	// order, signed on first use.
	fixtureJWTs func() []string

	mu sync.Mutex
	// state is built from data on first use since New or Reset
	// (lockState), so that a server that never serves Cryptlex does not
	// build it.
	state *state
}

// lockState locks the state with a.mu, building it first if it is not
// built yet.
func (a *API) lockState() {
	a.mu.Lock()
	if a.state == nil {
		a.state = a.data.newState()
	}
}

// New builds the API from env.Fixtures: cryptlex.json (no file: no users and
// no tokens) and the signing key cryptlex-signing-key.pem (no file: the key
// of the default fixtures). A malformed file is an error naming it.
func New(env api.Env, opts Options) (*API, error) {
	hosts := opts.WebhookHosts
	if hosts == nil {
		hosts, _ = webhook.NewAllowlist() // loopback only: no entry to reject
	}
	load := loadDataSet
	if api.IsDefaultFixtures(env.Fixtures) {
		load = func(fs.FS, *webhook.Allowlist) (*dataSet, error) { return defaultDataSet() }
	}
	data, err := load(env.Fixtures, hosts)
	if err != nil {
		return nil, err
	}
	signer, err := loadKey(env.Fixtures)
	if err != nil {
		return nil, err
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.DiscardHandler)
	}
	a := &API{
		env:     env,
		opts:    opts,
		data:    data,
		signer:  signer,
		sign:    signer.Sign,
		limiter: newLimiter(env.Now),
		hosts:   hosts,
	}
	a.fixtureJWTs = sync.OnceValue(a.signFixtureTokens)
	a.hooks = webhook.New(webhook.Config{
		Now: env.Now, Allow: hosts, Pick: opts.WebhookScript, Disabled: a.disableWebhook, Logger: env.Logger,
	})
	return a, nil
}

// Title returns "Cryptlex".
func (a *API) Title() string { return "Cryptlex" }

// Routes describes the API's routes.
func (a *API) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: PathPrefix, Does: "list the caller's personal access tokens (?page=&limit=&sort=&search=)"},
		{Method: "POST", Path: PathPrefix, Does: `create one: {"name": "...", "scopes": ["license:read"], "expiresAt": "..."}`},
		{Method: "GET", Path: PathPrefix + "/{id}", Does: "read one"},
		{Method: "PATCH", Path: PathPrefix + "/{id}", Does: `revoke one: {"revoked": true}`},
		{Method: "DELETE", Path: PathPrefix + "/{id}", Does: "delete one"},
		{Method: "GET", Path: WebhooksPath, Does: "list the webhooks; POST creates one, GET/PATCH/DELETE " + WebhooksPath + "/{id} the rest"},
		{Method: "GET", Path: WebhooksPath + "/events", Does: "the events a webhook can subscribe to"},
	}
}

// Name returns "cryptlex".
func (a *API) Name() string { return "cryptlex" }

// Prefixes returns the paths the API serves.
func (a *API) Prefixes() []string { return []string{PathPrefix, WebhooksPath} }

// Deliveries returns the dispatcher of the API's webhook deliveries. The
// owner of the API closes it.
func (a *API) Deliveries() *webhook.Dispatcher { return a.hooks }

// defaultDataSet is the data set of the default fixtures, loaded once per
// process; it is immutable (states are built from it by newState). The
// default fixtures have no webhooks, so no allowlist can refuse them.
var defaultDataSet = sync.OnceValues(func() (*dataSet, error) {
	loopback, _ := webhook.NewAllowlist()
	return loadDataSet(fixtures.FS(), loopback)
})

// Router returns the API's routes: its personal access tokens and its
// webhooks.
func (a *API) Router() *mux.Router { return router() }

// router is the router of every Cryptlex API in the process.
var router = sync.OnceValue(func() *mux.Router {
	r := api.NewRouter[*API]()
	// Methods on a path's subrouter share the path's compiled pattern.
	collection := r.Path(PathPrefix).Subrouter()
	collection.Methods("GET").Handler(route((*API).list, ""))
	collection.Methods("POST").Handler(route((*API).create, ScopeWritePATs))
	collection.NewRoute().Handler(methodNotAllowed("GET, POST"))
	item := r.Path(PathPrefix + "/{id}").Subrouter()
	item.Methods("GET").Handler(route((*API).get, ""))
	item.Methods("PATCH").Handler(route((*API).patch, ScopeWritePATs))
	item.Methods("DELETE").Handler(route((*API).delete, ScopeWritePATs))
	item.NewRoute().Handler(methodNotAllowed("GET, PATCH, DELETE"))
	r.PathPrefix(PathPrefix + "/").Handler(notFound())
	registerWebhooks(r)
	return r
})

// Reset puts the state back to the fixtures, forgets the rate-limit
// windows and drops the pending webhook deliveries and their log.
func (a *API) Reset() {
	a.mu.Lock()
	a.state = nil
	a.hooks.Reset()
	a.mu.Unlock()
	a.limiter.reset()
}
