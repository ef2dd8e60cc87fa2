package cli

import (
	"context"
	"errors"
	"flag"
	"strconv"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// limitsUsageNegative ends the error of a limit flag's bad value.
const limitsUsageNegative = "; negative: no limit"

// limitFlag is a flag, with its variable, that sets a limit.
type limitFlag struct {
	envvar.Limit
	usage string
	value flag.Value
}

// limitFlags are the flags of cfg's limits, bound to its fields.
func limitFlags(cfg *config) []limitFlag {
	l := &cfg.limits
	limit := envvar.LimitOf
	return []limitFlag{
		{limit("JournalEntries"), "keep the newest `N` requests in the journal (/_fake/requests)", intValue{&l.JournalEntries}},
		{limit("JournalBytes"), "keep at most `SIZE` of journal (bytes, or with KiB, MiB, GiB)", bytesValue{&l.JournalBytes}},
		{limit("GraphQLResultBytes"), "refuse a GraphQL result larger than `SIZE`", bytesValue{&l.GraphQLResultBytes}},
		{limit("Rules"), "hold at most `N` scripted rules", intValue{&l.Rules}},
		{limit("LogScaleTokens"), "hold at most `N` LogScale tokens", intValue{&l.LogScaleTokens}},
		{limit("UnleashPATs"), "hold at most `N` Unleash PATs", intValue{&l.UnleashPATs}},
		{limit("CryptlexPATs"), "hold at most `N` Cryptlex PATs", intValue{&l.CryptlexPATs}},
		{limit("Connections"), "keep at most `N` connections open; more are answered 503", intValue{&l.Connections}},
		{limit("ReadHeaderTimeout"), "close a connection whose request headers take longer than `DURATION`", durationValue{&l.ReadHeaderTimeout}},
		{limit("IdleTimeout"), "close a kept-alive connection idle for `DURATION`", durationValue{&l.IdleTimeout}},
		{envvar.Limit{Flag: "shutdown-timeout", Var: envvar.ShutdownTimeout}, "on SIGINT or SIGTERM, wait at most `DURATION` for requests in flight", durationValue{&cfg.shutdownTimeout}},
	}
}

// intValue is a count flag.
type intValue struct{ p *int }

func (v intValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n == 0 {
		return errors.New("want a non-zero integer" + limitsUsageNegative)
	}
	*v.p = n
	return nil
}

// bytesValue is a size flag: bytes, or a number with KiB, MiB or GiB.
type bytesValue struct{ p *int }

func (v bytesValue) String() string {
	if v.p == nil {
		return ""
	}
	n := *v.p
	for _, u := range []struct {
		suffix string
		size   int
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n > 0 && n%u.size == 0 {
			return strconv.Itoa(n/u.size) + u.suffix
		}
	}
	return strconv.Itoa(n)
}

func (v bytesValue) Set(s string) error {
	s = strings.TrimSpace(s)
	mult := 1
	for suffix, m := range map[string]int{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if rest, ok := strings.CutSuffix(s, suffix); ok {
			s, mult = strings.TrimSpace(rest), m
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n == 0 || n > (1<<62)/mult || n < -(1<<62)/mult {
		return errors.New("want a non-zero size such as 1048576, 512KiB or 8MiB" + limitsUsageNegative)
	}
	*v.p = n * mult
	return nil
}

// durationValue is a duration flag.
type durationValue struct{ p *time.Duration }

func (v durationValue) String() string {
	if v.p == nil {
		return ""
	}
	return v.p.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d == 0 {
		return errors.New("want a non-zero duration such as 10s or 2m" + limitsUsageNegative)
	}
	*v.p = d
	return nil
}

// cutGrace is how long a stopping server may take, past its bound, to cut
// the requests still in flight; after it the process exits anyway, and
// what is left ends with it.
const cutGrace = 50 * time.Millisecond

// shutdown stops srv through fake.Server.Shutdown, waiting at most
// timeout (negative: no bound) for the requests in flight.
func shutdown(srv *fake.Server, timeout time.Duration) error {
	if timeout <= 0 {
		return srv.Shutdown(context.Background())
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout + cutGrace):
		return context.DeadlineExceeded
	}
}
