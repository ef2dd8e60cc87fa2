package fake

import (
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// Limits bounds everything that input can make a server hold or do. A
// refusal at a limit is fast, answered in the vendor's own error shape,
// changes nothing, and names the limit and how to raise it.
//
// In WithLimits, a field left at zero keeps its default (DefaultLimits) and
// a negative field removes that limit.
type Limits struct {
	// JournalEntries is how many requests the journal keeps; the oldest
	// are dropped first. The fakeserver flag is -journal-limit.
	JournalEntries int
	// JournalBytes bounds the journal's size, counted as the bytes of each
	// entry's strings plus a fixed cost per entry; the oldest entries are
	// dropped first. A path or operation list longer than
	// MaxJournalPathBytes is cut and the entry marked Truncated.
	JournalBytes int
	// GraphQLResultBytes bounds one GraphQL answer. A query whose result
	// would exceed it is refused with a GraphQL error, as LogScale refuses
	// an over-complex query, and stops being resolved as soon as the
	// fields resolved so far are sure to exceed it.
	GraphQLResultBytes int
	// Rules bounds the scripted rules loaded at once (Script,
	// LoadScenario, the admin API's scenario routes).
	Rules int
	// LogScaleTokens, UnleashPATs and CryptlexPATs bound the tokens each
	// vendor API holds at once, fixtures included.
	LogScaleTokens int
	UnleashPATs    int
	CryptlexPATs   int
	// Connections bounds the connections open at once; one past it is
	// answered 503 and closed.
	Connections int
	// ReadHeaderTimeout bounds the time a client may take to send a
	// request's headers.
	ReadHeaderTimeout time.Duration
	// IdleTimeout bounds how long a kept-alive connection may wait for its
	// next request.
	IdleTimeout time.Duration
}

// MaxJournalPathBytes is the longest path a journal entry keeps, and the
// most bytes of GraphQL operation names it keeps; longer ones are cut and
// the entry marked Truncated.
const MaxJournalPathBytes = 1024

// DefaultLimits returns the limits a server has unless WithLimits or
// WithJournalLimit says otherwise.
func DefaultLimits() Limits {
	return Limits{
		JournalEntries:     DefaultJournalLimit,
		JournalBytes:       16 << 20,
		GraphQLResultBytes: 8 << 20,
		Rules:              1000,
		LogScaleTokens:     10000,
		UnleashPATs:        10000,
		CryptlexPATs:       10000,
		Connections:        1000,
		ReadHeaderTimeout:  10 * time.Second,
		IdleTimeout:        2 * time.Minute,
	}
}

// WithLimits sets the server's limits: each field of l that is not zero
// replaces the default, and a negative one removes that limit.
func WithLimits(l Limits) Option {
	return func(c *config) { c.limits = l.over(c.limits) }
}

// over returns l with its zero fields taken from base.
func (l Limits) over(base Limits) Limits {
	pick := func(v, d int) int {
		if v == 0 {
			return d
		}
		return v
	}
	pickD := func(v, d time.Duration) time.Duration {
		if v == 0 {
			return d
		}
		return v
	}
	return Limits{
		JournalEntries:     pick(l.JournalEntries, base.JournalEntries),
		JournalBytes:       pick(l.JournalBytes, base.JournalBytes),
		GraphQLResultBytes: pick(l.GraphQLResultBytes, base.GraphQLResultBytes),
		Rules:              pick(l.Rules, base.Rules),
		LogScaleTokens:     pick(l.LogScaleTokens, base.LogScaleTokens),
		UnleashPATs:        pick(l.UnleashPATs, base.UnleashPATs),
		CryptlexPATs:       pick(l.CryptlexPATs, base.CryptlexPATs),
		Connections:        pick(l.Connections, base.Connections),
		ReadHeaderTimeout:  pickD(l.ReadHeaderTimeout, base.ReadHeaderTimeout),
		IdleTimeout:        pickD(l.IdleTimeout, base.IdleTimeout),
	}
}

// limitNames says, for a Limits field, what it counts and the fakeserver
// flag and environment variable that set it.
func limitNames(field string) (what, flag, env string) {
	l := envvar.LimitOf(field)
	return limitWhat(field), l.Flag, l.Var
}

// limitWhat says what a Limits field counts.
func limitWhat(field string) string {
	switch field {
	case "JournalEntries":
		return "journal entries"
	case "JournalBytes":
		return "journal bytes"
	case "GraphQLResultBytes":
		return "bytes of GraphQL result"
	case "Rules":
		return "scripted rules"
	case "LogScaleTokens":
		return "LogScale tokens"
	case "UnleashPATs":
		return "Unleash PATs"
	case "CryptlexPATs":
		return "Cryptlex PATs"
	case "Connections":
		return "open connections"
	}
	return field
}

// capOf is the limit field of Limits with value max, as the vendor APIs
// see it.
func capOf(field string, max int) api.Cap {
	what, flag, env := limitNames(field)
	return api.Cap{
		Max:  max,
		Name: what,
		Raise: "raise it with fakeserver -" + flag + ", " + env + ", or fake.WithLimits(fake.Limits{" + field +
			": n}); a negative value removes it",
	}
}

// LimitError is the error of a call that would take the server past one of
// its Limits. The server is left unchanged.
type LimitError struct {
	// Limit is the name of the Limits field, such as "Rules".
	Limit string
	// Max is its value.
	Max int
}

// Error names the limit and how to raise it.
func (e *LimitError) Error() string { return capOf(e.Limit, e.Max).Refusal() }

// withCaps returns env with the caps of one vendor API.
func withCaps(env api.Env, tokens, resultBytes api.Cap) api.Env {
	env.Tokens, env.ResultBytes = tokens, resultBytes
	return env
}
