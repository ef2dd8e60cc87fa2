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
	webhookHosts        []string
	limits              fake.Limits
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
	*h.hosts = splitList(v)
	return nil
}

// splitList returns the items of a comma-separated list, trimmed, without
// empty ones.
func splitList(v string) []string {
	var items []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// scenarioList is the repeatable -scenario flag.
type scenarioList struct{ names *[]string }

func (s scenarioList) String() string {
	if s.names == nil {
		return ""
	}
	return strings.Join(*s.names, ",")
}

func (s scenarioList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty scenario name")
	}
	*s.names = append(*s.names, v)
	return nil
}

// SetList adds the names of a comma-separated list, skipping empty ones.
func (s scenarioList) SetList(v string) error {
	*s.names = append(*s.names, splitList(v)...)
	return nil
}

// seedValue is the -seed flag: an unsigned integer (0x and 0o prefixes
// allowed).
type seedValue struct{ p *uint64 }

func (v seedValue) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatUint(*v.p, 10)
}

func (v seedValue) Set(s string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 0, 64)
	if err != nil {
		return errors.New("want an unsigned integer")
	}
	*v.p = n
	return nil
}

// boolValue is a switch flag; its variable takes strconv.ParseBool values.
type boolValue struct{ p *bool }

func (v boolValue) String() string {
	if v.p == nil {
		return "false"
	}
	return strconv.FormatBool(*v.p)
}

func (v boolValue) Set(s string) error {
	on, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return errors.New("want true or false")
	}
	*v.p = on
	return nil
}

// IsBoolFlag lets the flag be given without a value.
func (boolValue) IsBoolFlag() bool { return true }

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

// serveFlags returns the server's flags, bound to cfg, and the environment
// variable of each flag that has one. A variable is read by its flag's own
// Set, so that a value means the same in either.
func serveFlags(cfg *config) (*flag.FlagSet, map[string]string) {
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vars := map[string]string{}
	// withVar ends a flag's usage text with its variable.
	withVar := func(v flag.Value, env, text string) string {
		switch v.(type) {
		case boolValue:
			env += "=true"
		case listValue:
			env += ", comma-separated"
		}
		if !strings.HasSuffix(text, "\n") {
			text += " "
		}
		return text + "(" + env + ")"
	}
	def := func(v flag.Value, name, env, text string) {
		vars[name] = env
		fs.Var(v, name, withVar(v, env, text))
	}
	defString := func(p *string, name, env, value, text string) {
		vars[name] = env
		fs.StringVar(p, name, value, withVar(nil, env, text))
	}
	defString(&cfg.addr, "addr", envvar.Addr, DefaultAddr,
		"listen on `HOST:PORT`; port 0 picks a free port")
	defString(&cfg.fixtures, "fixtures", envvar.Fixtures, "",
		"serve the data set in `DIR` instead of the embedded defaults")
	def(scenarioList{&cfg.scenarios}, "scenario", envvar.Scenario,
		"activate a built-in scenario `NAME`, or the scenario in a YAML or JSON FILE;\nrepeatable")
	def(seedValue{&cfg.seed}, "seed", envvar.Seed,
		"seed `N` makes generated ids and secrets repeatable; 0 draws new ones per run")
	defString(&cfg.adminToken, "admin-token", envvar.AdminToken, "",
		"require this `TOKEN` on the admin API under /_fake/")
	defString(&cfg.logFormat, "log-format", envvar.LogFormat, "text",
		"log to stderr as `text` or json")
	def(timeValue{&cfg.start}, "time", envvar.Time,
		"start the fake clock stopped at `TIME` (RFC 3339) instead of following\nthe wall clock")
	def(boolValue{&cfg.noRateLimit}, "no-rate-limit", envvar.NoRateLimit,
		"turn off the Cryptlex rate limit")
	def(boolValue{&cfg.unleashPATsDisabled}, "unleash-pats-disabled", envvar.UnleashPATsDisabled,
		"answer as an Unleash server with personal access tokens turned off\n")
	def(hostList{&cfg.webhookHosts}, "webhook-hosts", envvar.WebhookHosts,
		"also deliver Cryptlex webhooks to these `HOSTS` (comma-separated host names,\nIP addresses or CIDR prefixes); loopback is always allowed")
	cfg.limits, cfg.shutdownTimeout = fake.DefaultLimits(), DrainTimeout
	for _, l := range limitFlags(cfg) {
		def(l.value, l.Flag, l.Var, l.usage)
	}
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	return fs, vars
}

// parse reads the configuration from args, then from the variables of the
// flags not given (a flag wins over its variable, which is then not read).
// It returns flag.ErrHelp for -h.
func parse(args []string, getenv func(string) string) (config, error) {
	var cfg config
	fs, vars := serveFlags(&cfg)
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env, ok := vars[f.Name]
		if err != nil || !ok || set[f.Name] {
			return
		}
		if v := getenv(env); v != "" {
			if e := setFromEnv(f.Value, v); e != nil {
				err = fmt.Errorf("invalid %s %q: %v", env, v, e)
			}
		}
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
	if cfg.fixtures != "" {
		if _, err := fake.CheckFixturesDir(cfg.fixtures); err != nil {
			return cfg, fmt.Errorf("%s: %v", source("fixtures", envvar.Fixtures), err)
		}
	}
	return cfg, nil
}

// listValue is a repeatable flag whose variable holds a comma-separated
// list.
type listValue interface {
	flag.Value
	// SetList adds each name of a comma-separated list.
	SetList(string) error
}

// setFromEnv sets v from an environment variable's value.
func setFromEnv(v flag.Value, value string) error {
	if l, ok := v.(listValue); ok {
		return l.SetList(value)
	}
	return v.Set(value)
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
