package fakecontainer

import (
	"strconv"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// WithLimits sets the server's limits (see fake.Limits): each field that is
// not zero replaces the default, and a negative one removes that limit. A
// later WithLimits overrides the fields it sets. The limits reach the
// server as its FAKESERVER_ environment variables.
func WithLimits(l fake.Limits) Option {
	return func(o *options) error {
		for _, v := range limitVars(&o.limits) {
			v.merge(&l)
		}
		return nil
	}
}

// limitVar is one limit's environment variable.
type limitVar struct {
	name  string
	value func() string // "" when the limit is not set
	merge func(from *fake.Limits)
}

// limitVars are the variables of the limits in l.
func limitVars(l *fake.Limits) []limitVar {
	count := func(name string, field func(*fake.Limits) *int) limitVar {
		return limitVar{name: name,
			value: func() string {
				if n := *field(l); n != 0 {
					return strconv.Itoa(n)
				}
				return ""
			},
			merge: func(from *fake.Limits) {
				if n := *field(from); n != 0 {
					*field(l) = n
				}
			}}
	}
	duration := func(name string, field func(*fake.Limits) *time.Duration) limitVar {
		return limitVar{name: name,
			value: func() string {
				if d := *field(l); d != 0 {
					return d.String()
				}
				return ""
			},
			merge: func(from *fake.Limits) {
				if d := *field(from); d != 0 {
					*field(l) = d
				}
			}}
	}
	return []limitVar{
		count(envvar.LimitOf("JournalEntries").Var, func(l *fake.Limits) *int { return &l.JournalEntries }),
		count(envvar.LimitOf("JournalBytes").Var, func(l *fake.Limits) *int { return &l.JournalBytes }),
		count(envvar.LimitOf("GraphQLResultBytes").Var, func(l *fake.Limits) *int { return &l.GraphQLResultBytes }),
		count(envvar.LimitOf("Rules").Var, func(l *fake.Limits) *int { return &l.Rules }),
		count(envvar.LimitOf("LogScaleTokens").Var, func(l *fake.Limits) *int { return &l.LogScaleTokens }),
		count(envvar.LimitOf("UnleashPATs").Var, func(l *fake.Limits) *int { return &l.UnleashPATs }),
		count(envvar.LimitOf("CryptlexPATs").Var, func(l *fake.Limits) *int { return &l.CryptlexPATs }),
		count(envvar.LimitOf("Connections").Var, func(l *fake.Limits) *int { return &l.Connections }),
		duration(envvar.LimitOf("ReadHeaderTimeout").Var, func(l *fake.Limits) *time.Duration { return &l.ReadHeaderTimeout }),
		duration(envvar.LimitOf("IdleTimeout").Var, func(l *fake.Limits) *time.Duration { return &l.IdleTimeout }),
	}
}

// limitsEnv returns the environment variables of the limits set in l.
func limitsEnv(l fake.Limits) map[string]string {
	env := map[string]string{}
	for _, v := range limitVars(&l) {
		if s := v.value(); s != "" {
			env[v.name] = s
		}
	}
	return env
}
