// Package unleash is the fake's Unleash admin personal-access-token API, served at /api/admin/user/tokens.
//
// It keeps Unleash users, their personal access tokens (PATs) and admin API
// tokens in memory, loaded from unleash.json of the fixture directory, and
// answers GET and POST /api/admin/user/tokens and DELETE
// /api/admin/user/tokens/{id} with the statuses, bodies and checks of Unleash
// 7.x.
package unleash

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/random"
	"github.com/tokenfake/tokenfake/fixtures"
)

// PathPrefix is where the API is served.
const PathPrefix = "/api/admin/user/tokens"

// DefaultPATLimit is how many PATs a user may hold, as in Unleash's default
// resource limits. unleash.json may set another limit ("patLimit").
const DefaultPATLimit = 10

// Options are the Unleash settings that are not in the fixtures.
type Options struct {
	// PATsDisabled turns personal access tokens off, as Unleash's kill
	// switch does: GET and POST answer 404 "PATs are disabled.".
	PATsDisabled bool
}

// API is the Unleash API with its state. Its methods are safe for
// concurrent use.
type API struct {
	env  api.Env
	opts Options

	// errorIDs draws the ids of middleware errors. It is a stream of its
	// own so that a failed request does not change the ids and secrets
	// that later requests get.
	errorIDs *random.Source
	// initial is the parsed fixture file, the state Reset returns to.
	initial fixtureData

	mu sync.Mutex
	// st is built from initial on first use since New or Reset
	// (lockState), so that a server that never serves Unleash does not
	// build it.
	st *state
}

// lockState locks the state with a.mu, building it first if it is not
// built yet.
func (a *API) lockState() {
	a.mu.Lock()
	if a.st == nil {
		st, err := newState(a.initial)
		if err != nil {
			// New checked the same data, so this cannot fail.
			panic(fmt.Sprintf("unleash: build fixture state: %v", err))
		}
		a.st = st
	}
}

// errorIDLabel derives errorIDs from the server's seed.
const errorIDLabel = 0x756e6c65617368 // "unleash"

// New builds the API from env.Fixtures (unleash.json). A missing file gives
// an API without users; a malformed one an error naming the file.
func New(env api.Env, opts Options) (*API, error) {
	load := loadFixtures
	if api.IsDefaultFixtures(env.Fixtures) {
		load = func(fs.FS) (fixtureData, *state, error) {
			fx, err := defaultFixtures()
			return fx, nil, err
		}
	}
	fx, st, err := load(env.Fixtures)
	if err != nil {
		return nil, err
	}
	return &API{env: env, opts: opts, errorIDs: env.Random.Derive(errorIDLabel), initial: fx, st: st}, nil
}

// defaultFixtures is the data of the default fixtures, decoded and checked
// (a state built from it) once per process; states are built from it
// (newState) and never change it.
var defaultFixtures = sync.OnceValues(func() (fixtureData, error) {
	fx, _, err := loadFixtures(fixtures.FS())
	return fx, err
})

// Title returns "Unleash".
func (a *API) Title() string { return "Unleash" }

// Routes describes the API's routes.
func (a *API) Routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: PathPrefix, Does: "list the caller's personal access tokens"},
		{Method: "POST", Path: PathPrefix, Does: `create one: {"description": "...", "expiresAt": "2030-01-01T00:00:00.000Z"}`},
		{Method: "DELETE", Path: PathPrefix + "/{id}", Does: "delete one"},
	}
}

// Name returns "unleash".
func (a *API) Name() string { return "unleash" }

// Prefixes returns the paths the API serves.
func (a *API) Prefixes() []string { return []string{PathPrefix} }

// Router returns the API's routes: every method on PathPrefix and on
// PathPrefix/{id}, each with or without a trailing slash (Express routes
// both).
func (a *API) Router() *mux.Router { return router() }

// router is the router of every Unleash API in the process.
var router = sync.OnceValue(func() *mux.Router {
	r := api.NewRouter[*API]()
	collection := authenticated((*API).serveCollection)
	r.Handle(PathPrefix, collection) // a route without variables, unlike {slash:/?}, matches without a map
	r.Handle(PathPrefix+"/", collection)
	r.Handle(PathPrefix+"/{id}{slash:/?}", authenticated((*API).serveItem))
	r.PathPrefix(PathPrefix + "/").Handler(authenticated((*API).serveUnknown))
	return r
})

// Reset puts the state back to the fixtures.
func (a *API) Reset() {
	a.errorIDs.Reset()
	a.mu.Lock()
	a.st = nil
	a.mu.Unlock()
}

func (a *API) limit() int {
	a.lockState()
	defer a.mu.Unlock()
	return a.st.limit
}

// caller is who a request authenticated as: a user, or an admin API token
// (userID 0).
type caller struct {
	userID int
}

// authenticate checks the Authorization header ("<token>" or
// "Bearer <token>") and marks a PAT as seen. It must be called with a.mu held.
func (a *API) authenticate(r *http.Request) (caller, *apiError) {
	token := strings.TrimSpace(r.Header.Get("Authorization"))
	if token == "" {
		return caller{}, a.authRequired()
	}
	token = stripBearer(token)
	if strings.HasPrefix(token, patPrefix) {
		p := a.st.bySecret[token]
		now := a.env.Now()
		if p == nil || !now.Before(p.expiresAt) {
			return caller{}, a.unauthorized()
		}
		p.seenAt = now.UTC().Truncate(timeResolution)
		return caller{userID: p.userID}, nil
	}
	if a.st.apiTokens[token] {
		return caller{}, nil
	}
	return caller{}, a.unauthorized()
}

// stripBearer removes a leading "Bearer" and the whitespace after it, in any
// letter case, as Unleash's bearer-token middleware does (/^Bearer\s+/i).
// Without whitespace after it the word stays: "Bearer" alone is a token.
func stripBearer(token string) string {
	const scheme = "bearer"
	if len(token) <= len(scheme) || !strings.EqualFold(token[:len(scheme)], scheme) {
		return token
	}
	rest := token[len(scheme):]
	trimmed := strings.TrimLeft(rest, " \t\n\v\f\r")
	if len(trimmed) == len(rest) {
		return token
	}
	return trimmed
}

// readJSONBody parses the body when it is declared JSON, as Express's body
// parser does before any route runs. ok is false when it has answered.
func (a *API) readJSONBody(w http.ResponseWriter, r *http.Request) (body any, ok bool) {
	if !isJSONType(r.Header.Get("Content-Type")) {
		return nil, true
	}
	v, syntax, err := readBody(r)
	switch {
	case errors.Is(err, api.ErrBodyTooLarge):
		errTooLarge().value().Write(w)
		return nil, false
	case err != nil:
		a.env.Logger.Debug("unleash: read body", "err", err)
		(&httpError{status: http.StatusBadRequest, Message: "request aborted"}).value().Write(w)
		return nil, false
	case syntax != "":
		(&httpError{status: http.StatusBadRequest, Message: syntax}).value().Write(w)
		return nil, false
	}
	return v, true
}

// authenticatedHandler serves a request that passed the body parser and
// authentication; a.mu is held.
type authenticatedHandler func(a *API, w http.ResponseWriter, r *http.Request, c caller, body any)

// authenticated runs what Unleash runs before any route: the body parser,
// then authentication (with a.mu held from there on), answering their
// failures itself.
func authenticated(h authenticatedHandler) http.Handler {
	return api.Handler(func(a *API, w http.ResponseWriter, r *http.Request) {
		body, ok := a.readJSONBody(w, r)
		if !ok {
			return
		}
		a.lockState()
		defer a.mu.Unlock()
		c, aerr := a.authenticate(r)
		if aerr != nil {
			aerr.value().Write(w)
			return
		}
		h(a, w, r, c, body)
	})
}

func (a *API) serveCollection(w http.ResponseWriter, r *http.Request, c caller, body any) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		a.list(w, c)
	case http.MethodPost:
		a.create(w, r, c, body)
	case http.MethodOptions:
		writeAllow(w, "GET,HEAD,POST")
	default:
		a.pathNotFound(r).value().Write(w)
	}
}

// writeAllow answers OPTIONS as Express's router does for a path it routes:
// the methods in an Allow header and as an HTML body.
func writeAllow(w http.ResponseWriter, methods string) {
	h := w.Header()
	h.Set("Allow", methods)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(methods)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(methods))
}

func (a *API) serveItem(w http.ResponseWriter, r *http.Request, c caller, _ any) {
	switch r.Method {
	case http.MethodDelete:
		a.delete(w, c, api.Vars(r)["id"])
	case http.MethodOptions:
		writeAllow(w, "DELETE")
	default:
		a.pathNotFound(r).value().Write(w)
	}
}

// serveUnknown answers a path under PathPrefix that no route serves (such
// as /api/admin/user/tokens/1/2) as Unleash's catch-all for /api does,
// after the body parser and authentication.
func (a *API) serveUnknown(w http.ResponseWriter, r *http.Request, _ caller, _ any) {
	a.pathNotFound(r).value().Write(w)
}

// patUser returns the user whose PATs the caller may list and create: an
// error when PATs are disabled or the caller is not a user.
func (a *API) patUser(c caller) (*user, *apiError) {
	if a.opts.PATsDisabled || a.st.disabled {
		return nil, errDisabled()
	}
	if c.userID == 0 {
		return nil, errNoUser()
	}
	return a.st.users[c.userID], nil
}

// list answers GET: the caller's PATs, without secrets.
func (a *API) list(w http.ResponseWriter, c caller) {
	u, err := a.patUser(c)
	if err != nil {
		err.value().Write(w)
		return
	}
	body := api.AvailableBuffer(w, 64+len(u.pats)*patJSONSize)
	api.WriteBody(w, http.StatusOK, contentTypeJSON, appendPATsJSON(body, u.pats))
}

// create answers POST, with Unleash's checks in Unleash's order.
func (a *API) create(w http.ResponseWriter, r *http.Request, c caller, body any) {
	if ct := r.Header.Get("Content-Type"); !isJSONType(ct) {
		a.contentTypeError(ct).value().Write(w)
		return
	}
	in, d := checkCreate(body)
	if d != nil {
		a.schemaError([]detail{*d}).value().Write(w)
		return
	}
	u, err := a.patUser(c)
	if err != nil {
		err.value().Write(w)
		return
	}
	now := a.env.Now().UTC().Truncate(timeResolution)
	switch {
	case in.description == "":
		badData(msgEmptyDesc).value().Write(w)
		return
	case in.expiresAt.Before(now):
		badData(msgExpiryInPast).value().Write(w)
		return
	case len(u.pats) >= a.st.limit:
		errTooManyPATs(a.st.limit).value().Write(w)
		return
	case a.env.Tokens.Reached(len(a.st.pats)):
		tooManyPATsOnServer(a.env.Tokens).value().Write(w)
		return
	case u.hasDescription(in.description):
		errDuplicate().value().Write(w)
		return
	}
	p := &pat{
		id:          a.st.nextID,
		userID:      c.userID,
		description: in.description,
		secret:      a.newSecret(),
		createdAt:   now,
		expiresAt:   in.expiresAt,
	}
	a.st.nextID++
	a.st.insert(p)
	api.WriteBody(w, http.StatusCreated, contentTypeJSON, p.appendJSON(make([]byte, 0, patJSONSize), true))
}

// newSecret draws a secret not in use: "user:" and 56 lowercase hex digits.
func (a *API) newSecret() string {
	for {
		s := patPrefix + a.env.Random.String(random.LowerHex, 56)
		if a.st.bySecret[s] == nil {
			return s
		}
	}
}

// delete answers DELETE /{id}: 404 for an id no PAT has, 200 otherwise,
// deleting the PAT only when it is the caller's. The admin API token, which
// is no user, gets the 500 Unleash answers it with.
func (a *API) delete(w http.ResponseWriter, c caller, rawID string) {
	id, d := parseID(rawID)
	if d != nil {
		a.schemaError([]detail{*d}).value().Write(w)
		return
	}
	p := a.st.pats[int(id)]
	if int64(int(id)) != id || p == nil {
		errNoPAT().value().Write(w)
		return
	}
	if c.userID == 0 {
		// Unleash passes the admin API token's missing user id to its
		// database query builder, which refuses the undefined binding; the
		// error reaches the client as an UnknownError.
		errUndefinedUser().value().Write(w)
		return
	}
	if p.userID == c.userID {
		a.st.remove(p)
	}
	w.WriteHeader(http.StatusOK)
}
