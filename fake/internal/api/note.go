package api

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
)

// Call is what the server and a vendor handler share about one request:
// the API that serves it, set by the server, and the Note the handler fills
// in. The server puts a Call in every vendor request's context.
type Call struct {
	// API serves the request; a vendor's routes are shared by every API of
	// its type in the process, so a route's handler finds its API here
	// (see Handler).
	API Vendor
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

// callFrom returns the Call of ctx, or nil.
func callFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}

// NoteFrom returns the Note of ctx's Call.
func NoteFrom(ctx context.Context) *Note {
	if c := callFrom(ctx); c != nil {
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
		h(callFrom(r.Context()).API.(A), w, r)
	})
}

// NewRouter returns a router for the routes of the APIs of type A. Paths
// are routed as sent: none of the vendors redirects a path with empty or
// dot segments to its cleaned form. A path under the API's prefixes that no
// route matches gets the API's 404 (its Error).
func NewRouter[A Vendor]() *mux.Router {
	r := mux.NewRouter().SkipClean(true)
	r.NotFoundHandler = Handler(func(a A, w http.ResponseWriter, r *http.Request) {
		a.Error(r, http.StatusNotFound).Write(w)
	})
	return r
}

// Serve returns a handler that serves requests with v's routes, v being
// their API: a vendor API alone, without the server's journal and rules.
func Serve(v Vendor) http.Handler {
	router := v.Router()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		router.ServeHTTP(w, r.WithContext(WithCall(r.Context(), &Call{API: v})))
	})
}
