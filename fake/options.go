package fake

import (
	"io/fs"
	"log/slog"
	"os"
	"time"
)

// Option configures a Server made by Start or NewServer.
type Option func(*config)

type config struct {
	fixtures     fs.FS
	fixturesName string // for error messages
	seed         uint64
	start        time.Time
	addr         string
	logger       *slog.Logger
	patsDisabled bool
	noRateLimit  bool
	scenarios    []string
	adminToken   string
	webhookHosts []string
	limits       Limits
}

func newConfig(opts []Option) config {
	c := config{addr: "127.0.0.1:0", limits: DefaultLimits()}
	for _, o := range opts {
		o(&c)
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// WithFixtures serves the data set in fsys instead of the embedded default
// (package fixtures describes the format). An empty fsys gives a server with
// no data; a file named like a fixture file but not quite (LogScale.json)
// makes NewServer fail.
func WithFixtures(fsys fs.FS) Option {
	return func(c *config) { c.fixtures, c.fixturesName = fsys, "" }
}

// WithFixturesDir serves the data set in the directory dir. NewServer fails
// when dir cannot be read or fails CheckFixturesDir (it holds none of the
// FixtureFiles, or a misnamed one).
func WithFixturesDir(dir string) Option {
	return func(c *config) { c.fixtures, c.fixturesName = os.DirFS(dir), dir }
}

// WithSeed makes generated ids and secrets repeatable: two servers with the
// same seed (and the same requests and clock) give the same answers. Without
// it, or with seed 0, every server draws its own.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed = seed }
}

// WithTime starts the server's Clock stopped at t instead of following the
// wall clock.
func WithTime(t time.Time) Option {
	return func(c *config) { c.start = t }
}

// WithAddr sets the address NewServer listens on. The default,
// "127.0.0.1:0", picks a free loopback port.
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithLogger sends the server's logs to l. By default they are discarded.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithUnleashPATsDisabled turns Unleash's personal access tokens off, as its
// kill switch does: GET and POST /api/admin/user/tokens answer 404
// "PATs are disabled.".
func WithUnleashPATsDisabled() Option {
	return func(c *config) { c.patsDisabled = true }
}

// WithoutCryptlexRateLimit turns off the Cryptlex rate limit (50 requests per
// 5-second window per client address), which is on by default.
func WithoutCryptlexRateLimit() Option {
	return func(c *config) { c.noRateLimit = true }
}

// WithScenario loads a scenario when the server starts: the name of a
// built-in scenario (package scenarios) or the path of a scenario file (YAML
// or JSON). NewServer fails for an unknown name or an invalid file. The
// option may be given several times; rules apply in the order given. Reset
// brings these scenarios back.
func WithScenario(nameOrFile string) Option {
	return func(c *config) { c.scenarios = append(c.scenarios, nameOrFile) }
}

// WithAdminToken guards the admin API under /_fake/: every call must carry
// "Authorization: Bearer <token>", except GET /_fake/health, which stays
// open for health checks. An empty token leaves the admin API open, which
// is the default.
func WithAdminToken(token string) Option {
	return func(c *config) { c.adminToken = token }
}

// WithJournalLimit sets how many requests the journal keeps (the newest
// ones); the default is DefaultJournalLimit. A limit below 1 is taken as 1.
// It sets Limits.JournalEntries (see WithLimits for the other limits).
func WithJournalLimit(n int) Option {
	return func(c *config) { c.limits.JournalEntries = max(n, 1) }
}
