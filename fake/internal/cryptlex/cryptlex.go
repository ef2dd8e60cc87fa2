// Package cryptlex is the fake's Cryptlex Web API v3 personal-access-token
// API, served at /v3/personal-access-tokens.
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
	"github.com/tokenfake/tokenfake/fixtures"
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
	env     api.Env
	opts    Options
	data    *dataSet
	signer  *Signer
	sign    func(*Claims) (string, error) // signer.Sign; benchmarks replace it
	scopes  scopeSet
	limiter *limiter

	mu    sync.Mutex
	state *state
}

// New builds the API from env.Fixtures: cryptlex.json (no file: no users and
// no tokens) and the signing key cryptlex-signing-key.pem (no file: the key
// of the default fixtures). A malformed file is an error naming it.
func New(env api.Env, opts Options) (*API, error) {
	load := loadFixtures
	if api.IsDefaultFixtures(env.Fixtures) {
		load = func(fs.FS) (*dataSet, *Signer, error) { return defaultFixtures() }
	}
	data, signer, err := load(env.Fixtures)
	if err != nil {
		return nil, err
	}
	if env.Logger == nil {
		env.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{
		env:     env,
		opts:    opts,
		data:    data,
		signer:  signer,
		sign:    signer.Sign,
		scopes:  newScopeSet(),
		limiter: newLimiter(env.Now),
		state:   data.newState(),
	}, nil
}

// loadFixtures reads the data set and the signing key from fsys.
func loadFixtures(fsys fs.FS) (*dataSet, *Signer, error) {
	data, err := loadDataSet(fsys)
	if err != nil {
		return nil, nil, err
	}
	signer, err := loadKey(fsys)
	if err != nil {
		return nil, nil, err
	}
	return data, signer, nil
}

// defaultFixtures is the data set and key of the default fixtures, loaded
// once per process; both are immutable.
var defaultFixtures = func() func() (*dataSet, *Signer, error) {
	type loaded struct {
		data   *dataSet
		signer *Signer
		err    error
	}
	once := sync.OnceValue(func() loaded {
		d, s, err := loadFixtures(fixtures.FS())
		return loaded{d, s, err}
	})
	return func() (*dataSet, *Signer, error) {
		l := once()
		return l.data, l.signer, l.err
	}
}()

// Register adds the API's routes to r.
func (a *API) Register(r *mux.Router) {
	// Methods on a path's subrouter share the path's compiled pattern.
	collection := r.Path(PathPrefix).Subrouter()
	collection.Methods("GET").Handler(a.route(a.list, ""))
	collection.Methods("POST").Handler(a.route(a.create, ScopeWritePATs))
	collection.NewRoute().Handler(a.methodNotAllowed("GET, POST"))
	item := r.Path(PathPrefix + "/{id}").Subrouter()
	item.Methods("GET").Handler(a.route(a.get, ""))
	item.Methods("PATCH").Handler(a.route(a.patch, ScopeWritePATs))
	item.Methods("DELETE").Handler(a.route(a.delete, ScopeWritePATs))
	item.NewRoute().Handler(a.methodNotAllowed("GET, PATCH, DELETE"))
	r.PathPrefix(PathPrefix + "/").Handler(a.notFound())
}

// Reset puts the state back to the fixtures and forgets the rate-limit
// windows.
func (a *API) Reset() {
	a.mu.Lock()
	a.state = a.data.newState()
	a.mu.Unlock()
	a.limiter.reset()
}
