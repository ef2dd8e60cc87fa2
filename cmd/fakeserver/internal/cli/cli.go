// Package cli is the fakeserver command: flags and environment variables in,
// a running fake.Server out, until the context given to Main is cancelled.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
)

// Exit statuses of Main.
const (
	ExitOK      = 0 // served until told to stop, or -h, -version, a passing health check
	ExitFailure = 1 // the address cannot be listened on, or a failing health check
	ExitUsage   = 2 // a bad flag or variable, an unreadable fixture directory, bad fixtures or scenario
)

// DrainTimeout is how long a stopping server waits for in-flight requests
// before it cuts them, unless -shutdown-timeout says otherwise.
const DrainTimeout = 900 * time.Millisecond

// Main runs the fakeserver command with args (without the program name),
// the environment read through getenv, and the given output streams. It
// serves until ctx is done, then stops accepting connections, lets the
// requests in flight finish (at most -shutdown-timeout, DrainTimeout by
// default) and returns an exit status. version names the build; when
// empty, the module version recorded in the binary is used.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, version string) int {
	if len(args) > 0 && subcommands[args[0]] != nil {
		return subcommands[args[0]](ctx, args[1:], getenv, stdout, stderr)
	}
	cfg, err := parse(args, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return ExitOK
	case err != nil:
		fmt.Fprintf(stderr, "fakeserver: %s (see fakeserver -h)\n", oneLine(err))
		return ExitUsage
	case cfg.version:
		fmt.Fprintf(stdout, "fakeserver %s %s\n", versionString(version), runtime.Version())
		return ExitOK
	}
	return serve(ctx, cfg, stdout, stderr, versionString(version))
}

func serve(ctx context.Context, cfg config, stdout, stderr io.Writer, version string) int {
	logOut := newLogWriter(stderr)
	defer logOut.Close()
	logger := newLogger(cfg.logFormat, logOut)
	srv, err := fake.NewServer(serverOptions(cfg, logger)...)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver: %s\n", oneLine(err))
		if _, ok := errors.AsType[*net.OpError](err); ok {
			return ExitFailure
		}
		return ExitUsage
	}
	url := servedURL(srv.URL(), cfg.addr)
	fmt.Fprintf(stdout, "fakeserver listening on %s\n", url)
	logger.Info("fakeserver started", "url", url, "version", version,
		"fixtures", fixturesName(cfg.fixtures), "scenarios", cfg.scenarios, "seed", cfg.seed)

	<-ctx.Done()
	logger.Info("fakeserver stopping")
	if err := shutdown(srv, cfg.shutdownTimeout); err != nil {
		logger.Warn("fakeserver stopped; requests still in flight were cut", "waited", cfg.shutdownTimeout)
	} else {
		logger.Info("fakeserver stopped")
	}
	return ExitOK
}

func serverOptions(cfg config, logger *slog.Logger) []fake.Option {
	opts := []fake.Option{fake.WithAddr(cfg.addr), fake.WithLogger(logger), fake.WithSeed(cfg.seed),
		fake.WithLimits(cfg.limits), fake.WithWebhookHosts(cfg.webhookHosts...)}
	if cfg.fixtures != "" {
		opts = append(opts, fake.WithFixturesDir(cfg.fixtures))
	}
	if !cfg.start.IsZero() {
		opts = append(opts, fake.WithTime(cfg.start))
	}
	if cfg.noRateLimit {
		opts = append(opts, fake.WithoutCryptlexRateLimit())
	}
	if cfg.unleashPATsDisabled {
		opts = append(opts, fake.WithUnleashPATsDisabled())
	}
	if cfg.adminToken != "" {
		opts = append(opts, fake.WithAdminToken(cfg.adminToken))
	}
	for _, sc := range cfg.scenarios {
		opts = append(opts, fake.WithScenario(sc))
	}
	return opts
}

// servedURL is the URL the server listens on. Go listens on all IPv4 and
// IPv6 addresses ("[::]") when asked for 0.0.0.0; the URL keeps the host
// that was asked for.
func servedURL(listening, addr string) string {
	host, port, err := net.SplitHostPort(strings.TrimPrefix(listening, "http://"))
	want, _, _ := net.SplitHostPort(addr)
	if err != nil || !unspecified(host) || !unspecified(want) {
		return listening
	}
	return "http://" + net.JoinHostPort(want, port)
}

// unspecified reports whether host is an IP address that stands for all
// addresses (0.0.0.0 or ::).
func unspecified(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified()
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func fixturesName(dir string) string {
	if dir == "" {
		return "embedded"
	}
	return dir
}

// versionString is v, or else the main module's version recorded in the
// binary ("(devel)" for a build from a checkout).
func versionString(v string) string {
	if v != "" {
		return v
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func usage(w io.Writer) {
	var cfg config
	fs, _ := serveFlags(&cfg)
	fs.SetOutput(w)
	fmt.Fprint(w, `fakeserver serves an in-memory fake of the access-token APIs of LogScale
(POST /graphql), Unleash (/api/admin/user/tokens) and Cryptlex
(/v3/personal-access-tokens), with its admin API under /_fake/.

Usage:
  fakeserver [flags]
  fakeserver healthcheck [-addr HOST:PORT] [-timeout DURATION]
  fakeserver credentials [-fixtures DIR] [-json]
  fakeserver schema
  fakeserver token cryptlex -user EMAIL|ID -scopes SCOPE,...|all [-expires RFC3339] [-addr HOST:PORT]

Flags (each may also be set by the environment variable in brackets; a flag
given on the command line wins):
`)
	fs.PrintDefaults()
	fmt.Fprint(w, `
A limit given a negative value (such as -max-rules -1) is removed; a request
past a limit is refused in the vendor's error shape, naming the flag to raise.

The first line printed to stdout is "fakeserver listening on http://HOST:PORT".
Logs, one line per request, go to stderr. SIGINT or SIGTERM stops the server:
it refuses new connections at once, lets the requests in flight finish (at most
-shutdown-timeout), and only then logs "fakeserver stopped". State lives in
memory only and is gone when the process ends; the same -seed draws the same
ids and secrets again, so a token from an earlier run with that seed may
authenticate again once the same creates are repeated. Exit status: 0 after a clean
stop, 1 if the address cannot be listened on, 2 for a bad flag, variable,
fixture directory or scenario.

healthcheck probes GET /_fake/health on -addr (default $FAKESERVER_ADDR or
127.0.0.1:8080; an unspecified host such as 0.0.0.0 probes 127.0.0.1) and
exits 0 if it answers 200, 1 otherwise. It sends $FAKESERVER_ADMIN_TOKEN if set.

credentials prints every credential of the fixtures (Cryptlex's as JWTs).
schema prints the LogScale GraphQL schema (SDL) for code generators.
token cryptlex asks the server on -addr for a new Cryptlex token of a fixture
user (POST /_fake/cryptlex/tokens) and prints it.

Examples:
  fakeserver                                   # embedded fixtures on 127.0.0.1:8080
  fakeserver -addr 127.0.0.1:0 -seed 42        # a free port, repeatable ids and secrets
  fakeserver -fixtures ./testdata/fixtures -scenario ./throttled.yaml
  fakeserver -scenario rate-limit -scenario slow  # built-in scenarios (GET /_fake/scenarios lists them)
  FAKESERVER_SCENARIO=rate-limit,slow FAKESERVER_LOG_FORMAT=json fakeserver
  fakeserver -time 2030-01-01T00:00:00Z -admin-token s3cret
  fakeserver healthcheck -addr 127.0.0.1:8080
`)
}
