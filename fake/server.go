// Package fake is tokenfake's public Go API: an in-memory fake of the access
// token APIs of LogScale (GraphQL), Unleash and Cryptlex (REST), all on one
// HTTP server.
//
// In a test, Start gives a fresh server on a loopback port:
//
//	srv := fake.Start(t)
//	client := logscaleclient.New(srv.URL()+"/graphql", fixtures.LogScaleToken)
//
// Every server is independent: two servers in one process share no state.
package fake

import (
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/cryptlex"
	"github.com/tokenfake/tokenfake/fake/internal/random"
	"github.com/tokenfake/tokenfake/fake/internal/vendor"
	"github.com/tokenfake/tokenfake/fake/logscale"
	"github.com/tokenfake/tokenfake/fake/unleash"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	cfg     config
	clock   *Clock
	random  *random.Source
	apis    []vendor.API // in a fixed order: logscale, unleash, cryptlex
	handler http.Handler
	ts      *httptest.Server
}

// Start returns a running server on 127.0.0.1 with a free port, closed by
// tb.Cleanup. It fails tb if the server cannot start (for example, if a
// fixture file is malformed).
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		tb.Fatalf("start fake server: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// NewServer returns a running server listening on the address of WithAddr
// (by default 127.0.0.1 with a free port). The caller must Close it.
func NewServer(opts ...Option) (*Server, error) {
	s, err := newServer(newConfig(opts))
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", s.cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", s.cfg.addr, err)
	}
	s.ts = &httptest.Server{Listener: l, Config: &http.Server{Handler: s.handler}}
	s.ts.Start()
	return s, nil
}

func newServer(cfg config) (*Server, error) {
	s := &Server{cfg: cfg, clock: newClock(cfg.start), random: random.New(cfg.seed)}
	fsys := cfg.fixtures
	if fsys == nil {
		fsys = fixtures.FS()
	}
	if err := s.buildAPIs(fsys); err != nil {
		if cfg.fixturesName != "" {
			return nil, fmt.Errorf("load fixtures %s: %w", cfg.fixturesName, err)
		}
		return nil, fmt.Errorf("load fixtures: %w", err)
	}
	r := mux.NewRouter()
	for _, api := range s.apis {
		api.Register(r)
	}
	s.handler = r
	return s, nil
}

func (s *Server) buildAPIs(fsys fs.FS) error {
	env := vendor.Env{Now: s.clock.Now, Random: s.random, Fixtures: fsys, Logger: s.cfg.logger}
	ls, err := logscale.New(env)
	if err != nil {
		return err
	}
	ul, err := unleash.New(env, unleash.Options{PATsDisabled: s.cfg.patsDisabled})
	if err != nil {
		return err
	}
	cl, err := cryptlex.New(env, cryptlex.Options{NoRateLimit: s.cfg.noRateLimit})
	if err != nil {
		return err
	}
	s.apis = []vendor.API{ls, ul, cl}
	return nil
}

// URL returns the server's base URL, such as "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.ts.URL }

// Client returns an HTTP client configured for the server. It is closed
// with the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Handler returns the server's HTTP handler, to serve the same fake without
// a listener (for example with httptest.NewRecorder).
func (s *Server) Handler() http.Handler { return s.handler }

// Clock returns the server's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Close shuts the server down and blocks until all outstanding requests have
// completed.
func (s *Server) Close() { s.ts.Close() }

// Reset puts the server back the way it started: every API's state back to
// the fixtures, the clock and the id generator rewound.
func (s *Server) Reset() {
	s.random.Reset()
	s.clock.Reset()
	for _, api := range s.apis {
		api.Reset()
	}
}
