// Package fake is tokenfake's public Go API: an in-memory fake of the access
// token APIs of LogScale (GraphQL), Unleash and Cryptlex (REST), all on one
// HTTP server.
//
// In a test, Start gives a fresh server on a loopback port:
//
//	srv := fake.Start(t)
//	client := yourclient.New(srv.URL()+"/graphql", fixtures.LogScaleToken) // the code under test
//
// Every server is independent: two servers in one process share no state.
// Scripted rules (Script, WithScenario) make it fail the way the vendors
// fail; the journal (Requests, Count) tells what was called; the Clock makes
// expiry testable without sleeping.
package fake

import (
	"bytes"
	"cmp"
	"crypto/tls"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fake/internal/random"
	"github.com/tokenfake/tokenfake/fake/internal/unleash"
	"github.com/tokenfake/tokenfake/fake/internal/webhook"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	cfg       config
	clock     *Clock
	random    *random.Source
	vendors   []api.Vendor   // in a fixed order: logscale, unleash, cryptlex
	prefixes  []vendorPrefix // every vendor's path prefixes, in the order of vendors
	logscale  *logscale.API  // for what only LogScale has: IngestedEvents
	cryptlex  *cryptlex.API  // for what only Cryptlex has: CryptlexToken
	webhooks  *webhook.Dispatcher
	admin     http.Handler // built on first use
	adminOnce sync.Once
	handler   http.Handler
	script    *script
	journal   *journal
	startup   []Scenario // loaded at start, and again by Reset
	closing   chan struct{}
	closeOnce sync.Once
	buffers   sync.Pool // of *bufferWriter, for vendor and scripted answers
	conns     connTracker
	ts        *httptest.Server
	tb        testing.TB // the test of a server made by Start
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
	s.tb = tb
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
	lim := s.cfg.limits
	// A non-nil TLSNextProto leaves HTTP/2 unconfigured: the server speaks
	// HTTP/1.1 only, as it has no TLS.
	s.ts = &httptest.Server{Listener: newLimitListener(l, lim.Connections), Config: &http.Server{Handler: s.handler,
		ReadHeaderTimeout: lim.ReadHeaderTimeout, IdleTimeout: lim.IdleTimeout, ConnState: s.conns.track,
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){}}}
	s.ts.Start()
	return s, nil
}

func newServer(cfg config) (*Server, error) {
	s := &Server{
		cfg:     cfg,
		clock:   newClock(cfg.start),
		random:  random.New(cfg.seed),
		script:  &script{max: cfg.limits.Rules},
		journal: newJournal(cfg.limits),
		closing: make(chan struct{}),
	}
	for _, name := range cfg.scenarios {
		sc, err := findScenario(name)
		if err != nil {
			return nil, err
		}
		s.startup = append(s.startup, sc)
	}
	if err := s.loadStartup(); err != nil {
		return nil, err
	}
	fsys := cfg.fixtures
	var files []string
	var err error
	if fsys == nil {
		fsys = fixtures.FS()
		files, err = defaultFixtureFiles()
	} else {
		files, err = checkFixtureSet(fsys, cfg.fixturesName)
	}
	if err != nil {
		return nil, err
	}
	hosts, err := webhook.NewAllowlist(cfg.webhookHosts...)
	if err != nil {
		return nil, err
	}
	if err := s.buildAPIs(fsys, hosts); err != nil {
		if cfg.fixturesName != "" {
			return nil, fmt.Errorf("load fixtures %s: %w", cfg.fixturesName, err)
		}
		return nil, fmt.Errorf("load fixtures: %w", err)
	}
	cfg.logger.Info("fixtures loaded", "dir", cmp.Or(cfg.fixturesName, "embedded"), "files", files)
	// A request belongs to the API one of whose prefixes holds its path,
	// and is matched against that API's routes only: every route of an API
	// lies within its prefixes (TestVendorRoutesWithinPrefixes).
	for _, v := range s.vendors {
		for _, p := range v.Prefixes() {
			s.prefixes = append(s.prefixes, vendorPrefix{prefix: p, vendor: v})
		}
	}
	s.handler = http.HandlerFunc(s.serveHTTP)
	return s, nil
}

func (s *Server) buildAPIs(fsys fs.FS, hosts *webhook.Allowlist) error {
	env := api.Env{Now: s.clock.Now, Random: s.random, Fixtures: fsys, Logger: s.cfg.logger}
	lim := s.cfg.limits
	ls, err := logscale.New(withCaps(env, capOf("LogScaleTokens", lim.LogScaleTokens), capOf("GraphQLResultBytes", lim.GraphQLResultBytes)))
	if err != nil {
		return err
	}
	ul, err := unleash.New(withCaps(env, capOf("UnleashPATs", lim.UnleashPATs), api.Cap{}), unleash.Options{PATsDisabled: s.cfg.patsDisabled})
	if err != nil {
		return err
	}
	cl, err := cryptlex.New(withCaps(env, capOf("CryptlexPATs", lim.CryptlexPATs), api.Cap{}),
		cryptlex.Options{NoRateLimit: s.cfg.noRateLimit, WebhookHosts: hosts, WebhookScript: s.pickDelivery})
	if err != nil {
		return err
	}
	s.webhooks = cl.Deliveries()
	s.clock.moved = s.webhooks.ClockMoved
	s.vendors = []api.Vendor{ls, ul, cl}
	s.logscale, s.cryptlex = ls, cl
	return nil
}

// URL returns the server's base URL, such as "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.ts.URL }

// Client returns an HTTP client configured for the server. It is closed
// with the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Handler returns the server's HTTP handler, to serve the same fake without
// a listener (for example with httptest.NewRecorder). It includes the admin
// API, the journal and the scripted rules; socket faults need a real
// connection (without one, the handler panics with http.ErrAbortHandler).
func (s *Server) Handler() http.Handler { return s.handler }

// Clock returns the server's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Close shuts the server down and blocks until all outstanding requests have
// completed. Scripted delays still running end at once, without an answer.
// Shutdown lets them finish instead.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.webhooks.Close()
	if s.ts != nil {
		s.ts.Close()
	}
	s.journal.memory.wait()
}

// Reset puts the server back the way it started: every API's state back to
// the fixtures (pending webhook deliveries and their log dropped), the clock
// and the id generator rewound, the journal emptied,
// and the scripted rules back to those of the scenarios given with
// WithScenario (with their counts at zero); rules added later are dropped.
func (s *Server) Reset() {
	s.random.Reset()
	s.clock.Reset()
	for _, v := range s.vendors {
		v.Reset()
	}
	s.journal.clear()
	s.script.clear()
	_ = s.loadStartup() // validated when the server started
}

func (s *Server) loadStartup() error {
	for _, sc := range s.startup {
		if err := s.addScenario(sc); err != nil {
			return err
		}
	}
	return nil
}

// serveHTTP is the server's handler: admin API, or journal -> script ->
// vendor handler. Vendor and scripted answers are buffered and journaled
// before they are sent, so a client that has an answer finds its request
// in the journal.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.URL.Path == "/_fake" || strings.HasPrefix(r.URL.Path, AdminPrefix) {
		sw := &statusWriter{ResponseWriter: w}
		s.adminOnce.Do(func() { s.admin = s.adminHandler() })
		s.admin.ServeHTTP(sw, r)
		s.logRequest(r, &Request{API: "admin", Method: r.Method, Path: r.URL.Path, Status: sw.status, Duration: time.Since(start)})
		return
	}
	v := s.route(r.URL.Path)
	c := incoming{method: r.Method, path: r.URL.Path}
	var parsed any
	if v != nil {
		c.api = v.Name()
		if op, ok := v.(api.Operator); ok && r.Method == http.MethodPost && r.Body != nil {
			parsed, c.ops = peekOperations(r, op)
		}
	}
	entry := Request{Time: s.clock.Now(), API: c.api, Method: r.Method, Path: c.path, Operations: c.ops}
	record := func(status int, fault Fault) {
		entry.Status, entry.Fault, entry.Duration = status, fault, time.Since(start)
		s.journal.add(&entry)
		s.logRequest(r, &entry)
	}
	out := s.newBufferWriter(w)
	defer s.releaseBufferWriter(out)
	if v != nil {
		if ru, ok := s.script.pick(&c); ok {
			entry.Rule = ru.Name
			if err := wait(r, s.closing, ru.Respond.Delay); err != nil {
				// Drop the connection: the client went away or the
				// server is closing.
				record(0, "")
				panic(http.ErrAbortHandler)
			}
			switch f := ru.Respond.Fault; {
			case f == FaultReset || f == FaultClose:
				record(0, f)
				breakConn(w, r, f)
				return
			case f == FaultMalformed || ru.Respond.Status != 0:
				scripted(r, ru, v).Write(out)
				record(out.status, f)
				out.send(w, f == FaultMalformed)
				return
			}
			out.header.Set(RuleHeader, ru.Name)
		}
	}
	if v != nil {
		out.call = api.Call{API: v, Parsed: parsed}
		api.ServeCall(out, r, &out.call)
	} else {
		s.serveIndex(out, r) // GET /, and paths no API serves
	}
	if in := out.call.Note.Ingested; in != nil {
		entry.Ingested = &Ingested{Repository: in.Repository, Token: in.Token, Events: in.Events}
	}
	if out.status == 0 {
		out.status = http.StatusOK
	}
	record(out.status, "")
	out.send(w, false)
}

// peekOperations returns the operations of r's body and what op parsed of
// it, for a body within api.MaxBodyBytes, so that the body is decoded once.
// It leaves r's body to be read in full by the handler.
func peekOperations(r *http.Request, op api.Operator) (parsed any, ops []string) {
	body, err := peekBody(r)
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	if err != nil || len(body) > api.MaxBodyBytes {
		return nil, nil
	}
	return op.Operations(r, body)
}

// peekBody reads r's body, up to api.MaxBodyBytes+1 bytes. A body whose
// length the request announces is read into a slice of that length.
func peekBody(r *http.Request) ([]byte, error) {
	if n := r.ContentLength; n > 0 && n <= api.MaxBodyBytes {
		body := make([]byte, n)
		m, err := io.ReadFull(r.Body, body)
		return body[:m], err
	}
	return io.ReadAll(io.LimitReader(r.Body, api.MaxBodyBytes+1))
}

// logRequest writes the one log line of a request.
func (s *Server) logRequest(r *http.Request, e *Request) {
	if !s.cfg.logger.Enabled(r.Context(), slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", e.Method),
		slog.String("path", e.Path),
		slog.String("api", e.API),
		slog.String("operations", strings.Join(e.Operations, ",")),
		slog.Int("status", e.Status),
		slog.String("rule", e.Rule),
		slog.Duration("duration", e.Duration),
	}
	if e.Fault != "" {
		attrs = append(attrs, slog.String("fault", string(e.Fault)))
	}
	s.cfg.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// vendorPrefix is a path prefix and the vendor API that serves it.
type vendorPrefix struct {
	prefix string
	vendor api.Vendor
}

// route returns the vendor API that serves path, or nil.
func (s *Server) route(path string) api.Vendor {
	for _, p := range s.prefixes {
		if api.Owns(p.prefix, path) {
			return p.vendor
		}
	}
	return nil
}
