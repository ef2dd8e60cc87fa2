// Package vendor is the seam between the server and the vendor API packages
// (logscale, unleash, cryptlex): what the server hands each of them, and what
// each of them offers the server.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/random"
)

// MaxBodyBytes is the largest request body any vendor API reads. Larger
// bodies are answered with 413 in the vendor's style.
const MaxBodyBytes = 1 << 20

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

// API is one vendor's API on the server.
type API interface {
	// Register adds the API's routes to r.
	Register(r *mux.Router)
	// Reset puts the API's state back to the fixtures.
	Reset()
	// WriteError answers r with status the way the vendor does: its body,
	// content type and headers for that status. Headers already set on w
	// (such as a scripted Retry-After) are kept.
	WriteError(w http.ResponseWriter, r *http.Request, status int)
}
