package api

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
)

// Call is what the server and a vendor handler share about one request:
// the API that serves it, the route's path variables and what the API
// parsed of the body, set by ServeCall, and the Note the handler fills in.
// Every vendor request is served with a Call in its context.
type Call struct {
	// API serves the request; a vendor's routes are shared by every API of
	// its type in the process, so a route's handler finds its API here
	// (see Handler).
	API Vendor
	// Vars are the path variables of the route that matched (see Vars).
	Vars map[string]string
	// Parsed is what the API's Operations parsed of the body, for its
	// handler to serve the request without decoding the body again; nil
	// if it parsed nothing.
	Parsed any
	// Note is what the handler tells the server about the request.
	Note Note
}

// Note is what a vendor handler tells the server about the request it
// served, for the request's journal entry. A handler fills in what applies.
type Note struct {
	// Ingested is set by an ingest endpoint that accepted events.
	Ingested *Ingested
}

// Ingested is what one accepted ingest request delivered.
type Ingested struct {
	Repository string // the repository's name
	Token      string // the ingest token's name
	Events     int
}

type callKey struct{}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallFrom returns the Call of ctx, or nil.
func CallFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}

// Vars returns the path variables of the route that r's Call matched, as
// mux.Vars does for a request that mux serves.
func Vars(r *http.Request) map[string]string {
	if c := CallFrom(r.Context()); c != nil {
		return c.Vars
	}
	return nil
}

// NoteFrom returns the Note of ctx's Call.
func NoteFrom(ctx context.Context) *Note {
	if c := CallFrom(ctx); c != nil {
		return &c.Note
	}
	return &Note{}
}

// Handler returns h as the handler of a route. A vendor's router is built
// once per process and shared by every API of its type (see Vendor.Router),
// so its handlers are bound to no API: h is called with the API of the
// request's Call. A request without a Call of type A is a bug of the caller,
// and panics.
func Handler[A Vendor](h func(a A, w http.ResponseWriter, r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(CallFrom(r.Context()).API.(A), w, r)
	})
}

// NewRouter returns a router for the routes of the APIs of type A. Paths
// are routed as sent: none of the vendors redirects a path with empty or
// dot segments to its cleaned form. A path under the API's prefixes that no
// route matches gets the API's 404 (its Error), a method no route of the
// path takes the API's 405.
func NewRouter[A Vendor]() *mux.Router {
	r := mux.NewRouter().SkipClean(true)
	r.NotFoundHandler = statusHandler[A](http.StatusNotFound)
	r.MethodNotAllowedHandler = statusHandler[A](http.StatusMethodNotAllowed)
	return r
}

// statusHandler answers with the API's Error for status.
func statusHandler[A Vendor](status int) http.Handler {
	return Handler(func(a A, w http.ResponseWriter, r *http.Request) {
		a.Error(r, status).Write(w)
	})
}

// ServeCall serves r with the routes of c.API, with c in r's context: it
// finds the route r matches, sets c.Vars to the route's path variables and
// calls the route's handler. It makes one copy of r, for its context.
func ServeCall(w http.ResponseWriter, r *http.Request, c *Call) {
	var m mux.RouteMatch
	c.API.Router().Match(r, &m) // NewRouter's routers match every request
	c.Vars = m.Vars
	m.Handler.ServeHTTP(w, r.WithContext(WithCall(r.Context(), c)))
}

// Serve returns a handler that serves requests with v's routes, v being
// their API: a vendor API alone, without the server's journal and rules.
func Serve(v Vendor) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ServeCall(w, r, &Call{API: v})
	})
}
