package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fake/internal/unleash"
)

// The APIs a Rule or a Filter can name. An empty API, or "any", matches all
// three.
const (
	APILogScale = "logscale"
	APIUnleash  = "unleash"
	APICryptlex = "cryptlex"
	APIAny      = "any"
)

// Fault is a broken connection a Rule can answer with instead of a response.
type Fault string

// The faults a Rule can script.
const (
	// FaultReset resets the connection (TCP RST) without answering: a Go
	// client sees "connection reset by peer".
	FaultReset Fault = "reset"
	// FaultClose closes the connection without answering: a Go client sees
	// io.EOF.
	FaultClose Fault = "close"
	// FaultMalformed sends the status line and headers with a Content-Length
	// for the whole body, then only half the body, and closes the
	// connection: a Go client sees io.ErrUnexpectedEOF while reading it.
	FaultMalformed Fault = "malformed"
)

// Limits on scripted answers.
const (
	// MaxDelay is the longest delay a Rule may ask for.
	MaxDelay = 5 * time.Minute
	// DefaultRetryAfter is the Retry-After value, in seconds, of a scripted
	// 429 whose rule sets none (and whose vendor sets none either).
	DefaultRetryAfter = "1"
	// RuleHeader names the rule that answered a scripted response.
	RuleHeader = "X-Tokenfake-Rule"
)

// Rule scripts the answer to some requests: those that Match selects, from
// the (After+1)th one on, Times times (or every time when Times is 0).
//
// Rules are checked in the order they were added; the first rule that
// matches a request and still has calls left answers it. A rule counts the
// matching calls that reach it: a call answered by an earlier rule never
// reaches later ones.
type Rule struct {
	// Name identifies the rule in the X-Tokenfake-Rule header, the journal,
	// the logs and errors. When empty, a name is made up: the scenario's
	// name and the rule's index in it, such as "rate-limit[0]", or for
	// Script "script[N]", N the rule's position among all loaded rules.
	Name string
	// Match selects the requests the rule applies to.
	Match Match
	// After lets this many matching calls through before the rule answers.
	After int
	// Times is how many calls the rule answers; 0 means every call.
	Times int
	// Respond is the answer.
	Respond Response
}

// Match selects requests. Every field that is set must match; the zero Match
// selects every request to one of the three APIs. Requests to the admin API
// (/_fake/) and to paths outside the three APIs are never scripted.
type Match struct {
	// API is "logscale", "unleash", "cryptlex", or "" or "any" for all.
	API string
	// Operation matches a GraphQL request whose document has a root field
	// of this name, or whose operationName is this name. A request with
	// several root fields matches on any of them. REST requests never match
	// a rule with an Operation.
	Operation string
	// Method is an HTTP method such as "POST"; case does not matter.
	Method string
	// Path is a path pattern: a literal path such as
	// "/v3/personal-access-tokens", in which a segment written "{name}"
	// matches any one non-empty segment and a last segment written
	// "{name...}" matches the rest of the path (zero or more segments).
	// The query string is not part of the path.
	Path string
	// Webhook makes the rule match Cryptlex webhook deliveries of this
	// event, such as "personalAccessToken.created" ("any" for every event),
	// instead of requests. See Response.Delivery.
	Webhook string
}

// Response is what a Rule answers.
type Response struct {
	// Status is the HTTP status. For 400 and above, the body, content type
	// and headers default to what the request's vendor sends for that
	// status. A 429 always carries Retry-After (DefaultRetryAfter unless
	// Headers or the vendor set one). A Status of 0 with no Fault lets the
	// request through to the fake's handler, after Delay: the way to slow
	// down real answers.
	Status int
	// Headers are set on the answer, over the vendor's.
	Headers map[string]string
	// Body replaces the vendor's body when non-nil (an empty, non-nil Body
	// sends no body). Without a Content-Type in Headers, a Body that is
	// valid JSON is sent as application/json, any other as text/plain.
	Body []byte
	// Delay waits this long (real time, at most MaxDelay) before answering.
	// The wait ends early when the client goes away or the server closes.
	Delay time.Duration
	// Fault breaks the connection instead of answering (after Delay).
	// FaultMalformed uses Status (default 200), Headers and Body like a
	// normal answer, then cuts the body short.
	Fault Fault
	// Delivery changes a webhook delivery that the rule matches
	// (Match.Webhook); with Delay, the delivery goes out that much later.
	Delivery DeliveryFault
}

// rule is a Rule ready to match, with its counters.
type rule struct {
	Rule
	api      string // "" for any
	method   string // upper case; "" for any
	path     pattern
	scenario string // the scenario it came from, "" for Script
	seen     int    // matching calls that reached the rule
	answered int
}

// compileRule checks r and returns it ready to match, with a name derived from
// scenario and index when it has none.
func compileRule(r Rule, scenario string, index int) (*rule, error) {
	c := &rule{Rule: r, scenario: scenario}
	// The caller keeps r's map and slice; the rule gets its own.
	c.Respond.Headers = maps.Clone(r.Respond.Headers)
	c.Respond.Body = bytes.Clone(r.Respond.Body)
	if c.Name == "" && scenario != "" {
		c.Name = fmt.Sprintf("%s[%d]", scenario, index)
	}
	fail := func(field, format string, args ...any) error {
		return &RuleError{Index: index, Name: r.Name, Field: field, Problem: fmt.Sprintf(format, args...)}
	}
	switch r.Match.API {
	case "", APIAny:
	case APILogScale, APIUnleash, APICryptlex:
		c.api = r.Match.API
	default:
		return nil, fail("match.api", "unknown API %q (want logscale, unleash, cryptlex or any)", r.Match.API)
	}
	if r.Match.Operation != "" && (c.api == APIUnleash || c.api == APICryptlex) {
		return nil, fail("match.operation", "only LogScale GraphQL requests have operations, not %s", c.api)
	}
	if m := r.Match.Method; m != "" {
		c.method = strings.ToUpper(m)
		if !validMethod(c.method) {
			return nil, fail("match.method", "unknown HTTP method %q", m)
		}
	}
	if r.Match.Path != "" {
		p, err := compilePattern(r.Match.Path)
		if err != nil {
			return nil, fail("match.path", "%v", err)
		}
		c.path = p
	}
	if r.After < 0 {
		return nil, fail("after", "must not be negative, got %d", r.After)
	}
	if r.Times < 0 {
		return nil, fail("times", "must not be negative, got %d", r.Times)
	}
	if r.Match.Webhook != "" || r.Respond.Delivery != "" {
		return c, checkDeliveryRule(&r, fail)
	}
	resp := r.Respond
	switch resp.Fault {
	case "", FaultMalformed:
	case FaultReset, FaultClose:
		if resp.Status != 0 || resp.Body != nil || len(resp.Headers) > 0 {
			return nil, fail("respond.fault", "%q sends no response, so status, headers and body must be left out", resp.Fault)
		}
	default:
		return nil, fail("respond.fault", "unknown fault %q (want reset, close or malformed)", resp.Fault)
	}
	if resp.Status != 0 && (resp.Status < 100 || resp.Status > 599) {
		return nil, fail("respond.status", "%d is not an HTTP status (100 to 599)", resp.Status)
	}
	if resp.Status == 0 && resp.Fault == "" {
		if resp.Delay == 0 {
			return nil, fail("respond", "needs a status, a fault or a delay")
		}
		if resp.Body != nil || len(resp.Headers) > 0 {
			return nil, fail("respond.status", "required with headers or a body")
		}
	}
	if resp.Delay < 0 || resp.Delay > MaxDelay {
		return nil, fail("respond.delay", "must be between 0 and %s, got %s", MaxDelay, resp.Delay)
	}
	for k := range resp.Headers {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, fail("respond.headers", "%q is not a valid header name", k)
		}
	}
	return c, nil
}

// RuleError is a Rule that cannot be scripted. Scenario errors wrap it.
type RuleError struct {
	Index   int    // the rule's position in its scenario or Script call
	Name    string // the rule's name, if it has one
	Field   string // such as "respond.status"
	Problem string
}

// Error says which rule and field are wrong, and why, such as
// `rules[1] ("throttle"): respond.status: 700 is not an HTTP status (100 to 599)`.
func (e *RuleError) Error() string {
	if e.Name != "" {
		return fmt.Sprintf("rules[%d] (%q): %s: %s", e.Index, e.Name, e.Field, e.Problem)
	}
	return fmt.Sprintf("rules[%d]: %s: %s", e.Index, e.Field, e.Problem)
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return true
	}
	return false
}

// pattern is a compiled path pattern; the zero pattern matches every path.
type pattern struct {
	segs []segment
	rest bool // ends in {name...}
	set  bool
}

// segment is one segment of a pattern: a literal, or a {name} wildcard.
type segment struct {
	lit  string
	wild bool
}

func compilePattern(p string) (pattern, error) {
	if !strings.HasPrefix(p, "/") {
		return pattern{}, fmt.Errorf("%q must start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	pat := pattern{set: true}
	for i, s := range parts {
		if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
			if strings.ContainsAny(s, "{}") {
				return pattern{}, fmt.Errorf("%q: a wildcard must be a whole segment, such as /{id}", p)
			}
			pat.segs = append(pat.segs, segment{lit: s})
			continue
		}
		name := s[1 : len(s)-1]
		rest := strings.HasSuffix(name, "...")
		name = strings.TrimSuffix(name, "...")
		if name == "" || strings.ContainsAny(name, "{}") {
			return pattern{}, fmt.Errorf("%q: bad wildcard %s (want {name} or {name...})", p, s)
		}
		if rest {
			if i != len(parts)-1 {
				return pattern{}, fmt.Errorf("%q: %s must be the last segment", p, s)
			}
			pat.rest = true
			continue
		}
		pat.segs = append(pat.segs, segment{wild: true})
	}
	return pat, nil
}

func (p *pattern) match(path string) bool {
	if !p.set {
		return true
	}
	if path == "" || path[0] != '/' {
		return false
	}
	rest := path[1:]
	for i, seg := range p.segs {
		j := strings.IndexByte(rest, '/')
		s := rest
		if j >= 0 {
			s = rest[:j]
		}
		if seg.wild && s == "" || !seg.wild && s != seg.lit {
			return false
		}
		if j < 0 {
			// The path ends here; a rest wildcard matches nothing.
			return i == len(p.segs)-1
		}
		rest = rest[j+1:]
	}
	return p.rest
}

// call is what the script engine knows of a request, or of a webhook
// delivery (webhook set to its event).
type call struct {
	api     string
	method  string
	path    string
	ops     []string
	webhook string
}

func (r *rule) matches(c *call) bool {
	if !r.matchesWebhook(c) {
		return false
	}
	if r.api != "" && r.api != c.api {
		return false
	}
	if r.method != "" && r.method != c.method {
		return false
	}
	if op := r.Match.Operation; op != "" && !slices.Contains(c.ops, op) {
		return false
	}
	return r.path.match(c.path)
}

// script is the server's ordered list of rules.
type script struct {
	mu    sync.Mutex
	rules []*rule
}

// pick returns the rule that answers c, if any, and counts the call.
func (s *script) pick(c *call) (*rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rules {
		if !r.matches(c) {
			continue
		}
		n := r.seen
		r.seen++
		if n < r.After || (r.Times > 0 && n >= r.After+r.Times) {
			continue
		}
		r.answered++
		return r, true
	}
	return nil, false
}

// add appends rs, naming each unnamed rule after its position.
func (s *script) add(rs []*rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rs {
		if r.Name == "" {
			r.Name = fmt.Sprintf("script[%d]", len(s.rules))
		}
		s.rules = append(s.rules, r)
	}
}

func (s *script) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// unused reports the rules with Times that have not answered all their calls.
func (s *script) unused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.rules {
		if r.Times > 0 && r.answered < r.Times {
			out = append(out, fmt.Sprintf("rule %q answered %d of its %d calls (%d matching calls reached it)",
				r.Name, r.answered, r.Times, r.seen))
		}
	}
	return out
}

// ruleStatus is a loaded rule as the admin API reports it.
type ruleStatus struct {
	Name     string `json:"name"`
	Scenario string `json:"scenario,omitempty"`
	Times    int    `json:"times,omitempty"`
	After    int    `json:"after,omitempty"`
	Seen     int    `json:"seen"`
	Answered int    `json:"answered"`
}

func (s *script) status() []ruleStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ruleStatus, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, ruleStatus{Name: r.Name, Scenario: r.scenario, Times: r.Times, After: r.After, Seen: r.seen, Answered: r.answered})
	}
	return out
}

// errAborted ends a request whose delay was cut short.
var errAborted = errors.New("delay aborted")

// wait sleeps for d, or until the request is cancelled or the server closes.
func wait(r *http.Request, closing <-chan struct{}, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-r.Context().Done():
		return errAborted
	case <-closing:
		return errAborted
	}
}

// answer writes the scripted response of ru, other than a reset or close,
// to w.
func answer(w *bufferWriter, r *http.Request, ru *rule, api api.API) {
	resp := &ru.Respond
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := w.header
	// The rule's headers go in before the vendor's error, which keeps the
	// headers it finds (a rule's Retry-After spares Cryptlex's own), and
	// again below, over any the vendor sets regardless.
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	if status >= 400 && api != nil {
		api.WriteError(w, r, status)
	}
	if resp.Body != nil || w.status == 0 {
		w.body.Reset()
		w.status = status
		h.Del("Content-Length")
	}
	if resp.Body != nil {
		w.body.Write(resp.Body)
		if !hasHeader(resp.Headers, "Content-Type") {
			if isJSON(resp.Body) {
				h.Set("Content-Type", "application/json")
			} else {
				h.Set("Content-Type", "text/plain; charset=utf-8")
			}
		}
	}
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	if status == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
		h.Set("Retry-After", DefaultRetryAfter)
	}
	h.Set(RuleHeader, ru.Name)
	if resp.Fault == FaultMalformed && w.body.Len() == 0 {
		w.body.WriteString("{}")
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
	}
}

// breakConn ends the connection under w without a response.
func breakConn(w http.ResponseWriter, r *http.Request, f Fault) {
	if f == FaultClose {
		// Unread request bytes would turn the close into a reset.
		_, _ = io.CopyN(io.Discard, r.Body, api.MaxBodyBytes)
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && f == FaultReset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func isJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}

// bufferWriter is an http.ResponseWriter that keeps what is written, to
// send it later.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// send writes the kept response to w. With truncate, it announces the
// whole body in Content-Length but sends only half of it: net/http then
// closes the connection, as the body fell short.
func (b *bufferWriter) send(w http.ResponseWriter, truncate bool) {
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	body := b.body.Bytes()
	if h.Get("Content-Length") != "" || truncate {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	if truncate {
		h.Set("Connection", "close")
		body = body[:len(body)/2]
	}
	w.WriteHeader(b.status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// apiOf names the API a request path belongs to, or "" for none.
func apiOf(path string) string {
	switch {
	case path == logscale.Path:
		return APILogScale
	case underPrefix(path, unleash.PathPrefix):
		return APIUnleash
	case underPrefix(path, cryptlex.PathPrefix), underPrefix(path, cryptlex.WebhooksPath):
		return APICryptlex
	}
	return ""
}

func underPrefix(path, prefix string) bool {
	return strings.HasPrefix(path, prefix) && (len(path) == len(prefix) || path[len(prefix)] == '/')
}
