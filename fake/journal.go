package fake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DefaultJournalLimit is how many requests the journal keeps unless
// WithLimits (JournalEntries) or WithJournalLimit says otherwise. When it
// is full, the oldest are dropped.
const DefaultJournalLimit = 10000

// Request is one request in the server's journal. Requests to the admin API
// (/_fake/) are not journaled.
type Request struct {
	// Time is when the request arrived, by the server's Clock.
	Time time.Time `json:"time"`
	// API is "logscale", "unleash" or "cryptlex", or "" for a path outside
	// the three APIs.
	API string `json:"api"`
	// Method and Path are the request's method and URL path.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Operations are the GraphQL root field names and operation name of a
	// LogScale request.
	Operations []string `json:"operations,omitempty"`
	// Status is the status answered, or 0 when no answer was sent (a socket
	// fault, or a client that gave up during a scripted delay).
	Status int `json:"status"`
	// Rule names the scripted rule that answered (or delayed) the request,
	// or is empty.
	Rule string `json:"rule,omitempty"`
	// Fault is the socket fault the rule caused, if any.
	Fault Fault `json:"fault,omitempty"`
	// Ingested is what a LogScale ingest request delivered, when the
	// ingest endpoint accepted it.
	Ingested *Ingested `json:"ingested,omitempty"`
	// Duration is how long the answer took, in real time.
	Duration time.Duration `json:"duration"`
	// Truncated reports that Path or Operations were cut to
	// MaxJournalPathBytes.
	Truncated bool `json:"truncated,omitempty"`
}

// Filter selects journal entries. Every field that is set must match; the
// zero Filter selects every entry.
type Filter struct {
	// API, Operation, Method and Path match as in Match: API in any letter
	// case ("" or "any" for every API), Method in any letter case.
	API       string
	Operation string
	Method    string
	Path      string
	// Status matches the status answered.
	Status int
	// Rule matches the name of the rule that answered.
	Rule string
}

type filter struct {
	f       Filter
	pattern pattern
}

func compileFilter(f Filter) (filter, error) {
	c := filter{f: f}
	api, err := apiName(f.API)
	if err != nil {
		return filter{}, fmt.Errorf("filter api: %w", err)
	}
	c.f.API = api
	c.f.Method = strings.ToUpper(f.Method)
	if c.f.Method != "" && !validMethod(c.f.Method) {
		return filter{}, fmt.Errorf("filter method: unknown HTTP method %q", f.Method)
	}
	if f.Status < 0 {
		return filter{}, fmt.Errorf("filter status: must not be negative, got %d", f.Status)
	}
	if f.Path != "" {
		p, err := compilePattern(f.Path)
		if err != nil {
			return filter{}, fmt.Errorf("filter path: %w", err)
		}
		c.pattern = p
	}
	return c, nil
}

func (c *filter) match(r *Request) bool {
	f := &c.f
	if f.API != "" && f.API != r.API ||
		f.Method != "" && f.Method != r.Method ||
		f.Status != 0 && f.Status != r.Status ||
		f.Rule != "" && f.Rule != r.Rule {
		return false
	}
	if f.Operation != "" && !slices.Contains(r.Operations, f.Operation) {
		return false
	}
	return c.pattern.match(r.Path)
}

func (j *journal) find(f Filter) ([]Request, error) {
	c, err := compileFilter(f)
	if err != nil {
		return nil, err
	}
	out := []Request{}
	j.each(func(r *Request) {
		if c.match(r) {
			rc := *r
			rc.Operations = append([]string(nil), r.Operations...)
			out = append(out, rc)
		}
	})
	return out, nil
}

// Requests returns the journaled requests that f selects, oldest first. A
// request is journaled when its answer is complete. The journal keeps the
// newest requests within Limits.JournalEntries and Limits.JournalBytes
// (see WithLimits).
//
// An invalid f (see Filter.Validate) selects nothing and is reported: it
// fails the test of a server made by Start (with the problem, such as
// `filter api: unknown API "Unleash"`), and is logged at Error level on
// other servers. Call f.Validate first to handle the error yourself.
func (s *Server) Requests(f Filter) []Request {
	out, err := s.journal.find(f)
	if err != nil {
		s.refuseFilter("Requests", f, err)
		return []Request{}
	}
	return out
}

// Count returns how many journaled requests f selects. An invalid f counts
// 0 and is reported as by Requests.
func (s *Server) Count(f Filter) int {
	c, err := compileFilter(f)
	if err != nil {
		s.refuseFilter("Count", f, err)
		return 0
	}
	n := 0
	s.journal.each(func(r *Request) {
		if c.match(r) {
			n++
		}
	})
	return n
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.clear() }

// MarshalJSON writes the request with its duration as a Go duration string,
// such as "1.5ms".
func (r Request) MarshalJSON() ([]byte, error) {
	type plain Request
	return json.Marshal(struct {
		plain
		Duration string `json:"duration"`
	}{plain(r), r.Duration.String()})
}
