package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// DefaultAddr is the address served when neither -addr nor FAKESERVER_ADDR
// is given.
const DefaultAddr = "127.0.0.1:8080"

// config is the server's configuration after flags and environment.
type config struct {
	addr                string
	fixtures            string
	scenarios           []string
	seed                uint64
	adminToken          string
	logFormat           string
	start               time.Time
	noRateLimit         bool
	unleashPATsDisabled bool
	journalLimit        int
	webhookHosts        []string
	limits              fake.Limits   // all but JournalEntries, which is journalLimit
	shutdownTimeout     time.Duration // negative: wait for every request
	version             bool
}

// hostList is the -webhook-hosts flag: a comma-separated list.
type hostList struct{ hosts *[]string }

func (h hostList) String() string {
	if h.hosts == nil {
		return ""
	}
	return strings.Join(*h.hosts, ",")
}

func (h hostList) Set(v string) error {
	*h.hosts = nil
	for host := range strings.SplitSeq(v, ",") {
		if host = strings.TrimSpace(host); host != "" {
			*h.hosts = append(*h.hosts, host)
		}
	}
	return nil
}

// scenarioList is the repeatable -scenario flag.
type scenarioList struct{ names *[]string }

func (s *scenarioList) String() string {
	if s.names == nil {
		return ""
	}
	return strings.Join(*s.names, ",")
}

func (s *scenarioList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty scenario name")
	}
	*s.names = append(*s.names, v)
	return nil
}

// timeValue is the -time flag: an RFC 3339 time.
type timeValue struct{ t *time.Time }

func (v timeValue) String() string {
	if v.t == nil || v.t.IsZero() {
		return ""
	}
	return v.t.Format(time.RFC3339)
}

func (v timeValue) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("want an RFC 3339 time such as 2030-01-01T00:00:00Z")
	}
	*v.t = t
	return nil
}

func serveFlags(cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.addr, "addr", DefaultAddr,
		"listen on `HOST:PORT`; port 0 picks a free port ("+envvar.Addr+")")
	fs.StringVar(&cfg.fixtures, "fixtures", "",
		"serve the data set in `DIR` instead of the embedded defaults ("+envvar.Fixtures+")")
	fs.Var(&scenarioList{names: &cfg.scenarios}, "scenario",
		"activate a built-in scenario `NAME`, or the scenario in a YAML or JSON FILE;\nrepeatable ("+envvar.Scenario+", comma-separated)")
	fs.Uint64Var(&cfg.seed, "seed", 0,
		"seed `N` makes generated ids and secrets repeatable; 0 draws new ones per run ("+envvar.Seed+")")
	fs.StringVar(&cfg.adminToken, "admin-token", "",
		"require this `TOKEN` on the admin API under /_fake/ ("+envvar.AdminToken+")")
	fs.StringVar(&cfg.logFormat, "log-format", "text",
		"log to stderr as `text` or json ("+envvar.LogFormat+")")
	fs.Var(timeValue{&cfg.start}, "time",
		"start the fake clock stopped at `TIME` (RFC 3339) instead of following\nthe wall clock ("+envvar.Time+")")
	fs.BoolVar(&cfg.noRateLimit, "no-rate-limit", false,
		"turn off the Cryptlex rate limit ("+envvar.NoRateLimit+"=true)")
	fs.BoolVar(&cfg.unleashPATsDisabled, "unleash-pats-disabled", false,
		"answer as an Unleash server with personal access tokens turned off\n("+envvar.UnleashPATsDisabled+"=true)")
	fs.IntVar(&cfg.journalLimit, "journal-limit", fake.DefaultJournalLimit,
		"keep the newest `N` requests in the journal (/_fake/requests) ("+envvar.JournalLimit+")")
	fs.Var(hostList{&cfg.webhookHosts}, "webhook-hosts",
		"also deliver Cryptlex webhooks to these `HOSTS` (comma-separated host names,\nIP addresses or CIDR prefixes); loopback is always allowed ("+envvar.WebhookHosts+")")
	cfg.limits, cfg.shutdownTimeout = fake.DefaultLimits(), DrainTimeout
	for _, l := range limitFlags(cfg) {
		fs.Var(l.value, l.Flag, l.usage+" ("+l.Var+")")
	}
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	return fs
}

// parse reads the configuration from args, then from the variables of the
// flags not given (a flag wins over its variable, which is then not read).
// It returns flag.ErrHelp for -h.
func parse(args []string, getenv func(string) string) (config, error) {
	var cfg config
	fs := serveFlags(&cfg)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	err := applyEnv(&cfg, func(name, env string) string {
		if set[name] {
			return ""
		}
		return getenv(env)
	})
	if err != nil {
		return cfg, err
	}
	if cfg.version {
		return cfg, nil
	}
	source := func(name, env string) string {
		if set[name] {
			return "-" + name
		}
		return env
	}
	if err := checkAddr(cfg.addr); err != nil {
		return cfg, fmt.Errorf("invalid %s %q: %v", source("addr", envvar.Addr), cfg.addr, err)
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" {
		return cfg, fmt.Errorf("invalid %s %q: want text or json", source("log-format", envvar.LogFormat), cfg.logFormat)
	}
	if cfg.journalLimit == 0 {
		return cfg, fmt.Errorf("invalid %s %d: want a non-zero integer"+limitsUsageNegative, source("journal-limit", envvar.JournalLimit), cfg.journalLimit)
	}
	if cfg.fixtures != "" {
		if _, err := fake.CheckFixturesDir(cfg.fixtures); err != nil {
			return cfg, fmt.Errorf("%s: %v", source("fixtures", envvar.Fixtures), err)
		}
	}
	return cfg, nil
}

// applyEnv sets cfg from the environment variables that are set and not
// empty. getenv returns the variable env of the flag name, or "" when the
// flag was given.
func applyEnv(cfg *config, getenv func(name, env string) string) error {
	if v := getenv("addr", envvar.Addr); v != "" {
		cfg.addr = v
	}
	if v := getenv("fixtures", envvar.Fixtures); v != "" {
		cfg.fixtures = v
	}
	if v := getenv("scenario", envvar.Scenario); v != "" {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				cfg.scenarios = append(cfg.scenarios, name)
			}
		}
	}
	if v := getenv("seed", envvar.Seed); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("invalid %s %q: want an unsigned integer", envvar.Seed, v)
		}
		cfg.seed = seed
	}
	if v := getenv("journal-limit", envvar.JournalLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("invalid %s %q: want an integer", envvar.JournalLimit, v)
		}
		cfg.journalLimit = n
	}
	if v := getenv("webhook-hosts", envvar.WebhookHosts); v != "" {
		_ = hostList{&cfg.webhookHosts}.Set(v)
	}
	for _, l := range limitFlags(cfg) {
		if v := getenv(l.Flag, l.Var); v != "" {
			if err := l.value.Set(v); err != nil {
				return fmt.Errorf("invalid %s %q: %v", l.Var, v, err)
			}
		}
	}
	if v := getenv("admin-token", envvar.AdminToken); v != "" {
		cfg.adminToken = v
	}
	if v := getenv("log-format", envvar.LogFormat); v != "" {
		cfg.logFormat = v
	}
	if v := getenv("time", envvar.Time); v != "" {
		if err := (timeValue{&cfg.start}).Set(v); err != nil {
			return fmt.Errorf("invalid %s %q: %v", envvar.Time, v, err)
		}
	}
	for _, b := range []struct {
		name, env string
		dst       *bool
	}{
		{"no-rate-limit", envvar.NoRateLimit, &cfg.noRateLimit},
		{"unleash-pats-disabled", envvar.UnleashPATsDisabled, &cfg.unleashPATsDisabled},
	} {
		if v := getenv(b.name, b.env); v != "" {
			on, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("invalid %s %q: want true or false", b.env, v)
			}
			*b.dst = on
		}
	}
	return nil
}

// checkAddr reports whether addr is a HOST:PORT that can be listened on.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}
