// Package api is the seam between the server (package fake) and the vendor
// APIs (logscale, unleash, cryptlex): what the server hands each vendor when
// it builds it (Env), what each vendor offers the server (Vendor), and the
// pieces every vendor shares: the error value (Error), request bodies and
// fixture files.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/random"
)

// Env is what the server hands each vendor API when it is built.
type Env struct {
	// Now is the fake's clock.
	Now func() time.Time
	// Random generates ids and secrets; it is seeded by the server.
	Random *random.Source
	// Fixtures is the data set directory (see package fixtures for its layout).
	Fixtures fs.FS
	// Logger receives the API's diagnostics.
	Logger *slog.Logger
	// Tokens caps how many tokens the API holds at once; a create past it
	// is refused in the vendor's style with Tokens.Refusal.
	Tokens Cap
	// ResultBytes caps the size of one answer that grows with the request
	// (a GraphQL result).
	ResultBytes Cap
}

// Vendor is one vendor's API on the server. The server keeps a list of
// them and knows nothing else of any vendor: a request belongs to the
// vendor one of whose Prefixes it lies under, scripted rules and the
// journal name it by Name, and a scripted error is the vendor's Error.
type Vendor interface {
	// Name names the API in rules, journal filters and logs, such as
	// "logscale".
	Name() string
	// Prefixes are the paths the API serves: a request whose path is one
	// of them, or lies under one (at a "/"), belongs to the API.
	Prefixes() []string
	// Router returns the router of the API's routes. It is built once per
	// process and shared by every API of its type: its handlers (see
	// Handler) serve a request with the API of the request's Call.
	Router() *mux.Router
	// Error is the API's answer with status to r, as the vendor sends it
	// when that status is all it has to say (a scripted error).
	Error(r *http.Request, status int) *Error
	// Reset puts the API's state back to the fixtures.
	Reset()
	// Title names the vendor for people, such as "LogScale".
	Title() string
	// Routes describe the API's routes for people, in the server's index.
	Routes() []Route
}

// Route is one route of an API as the server's index describes it.
type Route struct {
	Method, Path string
	// Does says what the route does, in a few words.
	Does string
}

// Operator is a Vendor whose requests name operations, as GraphQL requests
// do: scripted rules and journal filters can select requests by them.
type Operator interface {
	Vendor
	// Operations names the operations of r, whose body is body: its root
	// fields and operation name (nil for a request that has none, or a
	// body it cannot read). It also returns what it parsed of body, which
	// the server hands to the API's handler (Call.Parsed), so that the
	// handler does not parse body again.
	Operations(r *http.Request, body []byte) (parsed any, ops []string)
}

// Owns reports whether path is prefix or lies under it at a "/".
func Owns(prefix, path string) bool {
	return strings.HasPrefix(path, prefix) && (len(path) == len(prefix) || path[len(prefix)] == '/')
}
