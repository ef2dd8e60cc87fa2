package fake

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
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
	// Times is how many calls the rule answers; 0 means every call (in a
	// scenario file too, where leaving times out means the same).
	Times int
	// Respond is the answer.
	Respond Response
}

// Match selects requests. Every field that is set must match; the zero Match
// selects every request to one of the three APIs. Requests to the admin API
// (/_fake/) and to paths outside the three APIs are never scripted.
type Match struct {
	// API is "logscale", "unleash", "cryptlex", or "" or "any" for all;
	// letter case does not matter.
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
	api, err := apiName(r.Match.API)
	if err != nil {
		return nil, fail("match.api", "%v", err)
	}
	c.api = api
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
	Problem string // what is wrong with Field, such as "700 is not an HTTP status (100 to 599)"
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

func (r *rule) matches(c *incoming) bool {
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
