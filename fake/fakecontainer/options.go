package fakecontainer

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// options is what the Option values given to Run ask for.
type options struct {
	fixtures     []file   // copied to FixturesDir
	hasFixtures  bool     // WithFixtures was given
	scenarios    []string // built-in names and paths inside the container, in order
	files        []file   // scenario files copied to ScenariosDir
	seed         *uint64
	adminToken   string
	start        time.Time
	noRateLimit  bool
	webhookHosts []string
	limits       fake.Limits
}

// file is a host file to copy into the container.
type file struct {
	data []byte
	path string // inside the container
}

// Option configures the fakeserver a Run call starts. Options are checked
// before any container starts: Run returns their error at once.
type Option func(*options) error

// Customize does nothing: it makes an Option a
// testcontainers.ContainerCustomizer, so that options of this package and
// of testcontainers mix in one list. Run applies the Option itself.
func (o Option) Customize(*testcontainers.GenericContainerRequest) error { return nil }

// WithFixtures serves the data set in the host directory dir instead of the
// image's embedded defaults (package fixtures describes the format). The
// directory is checked as fake.CheckFixturesDir checks it, and its fixture
// files are copied to FixturesDir in the container, readable by the image's
// non-root user.
func WithFixtures(dir string) Option {
	return func(o *options) error {
		names, err := fake.CheckFixturesDir(dir)
		if err != nil {
			return err
		}
		o.fixtures, o.hasFixtures = nil, true
		for _, name := range names {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return fmt.Errorf("fixtures: %w", err)
			}
			o.fixtures = append(o.fixtures, file{data: data, path: path.Join(FixturesDir, name)})
		}
		return nil
	}
}

// WithScenario activates a scenario when the server starts: the name of a
// built-in scenario (package scenarios) or the path of a scenario file (YAML
// or JSON) on the host, which is checked now and copied into ScenariosDir.
// It may be given several times; rules apply in the order given.
func WithScenario(nameOrFile string) Option {
	return func(o *options) error {
		if nameOrFile == "" {
			return errors.New("scenario: empty name")
		}
		if slices.ContainsFunc(fake.BuiltinScenarios(), func(s fake.Scenario) bool { return s.Name == nameOrFile }) {
			o.scenarios = append(o.scenarios, nameOrFile)
			return nil
		}
		data, err := os.ReadFile(nameOrFile)
		if err != nil {
			return fmt.Errorf("scenario %q is neither built in nor a readable file: %w", nameOrFile, err)
		}
		if _, err := fake.ParseScenario(nameOrFile, data); err != nil {
			return fmt.Errorf("scenario: %w", err)
		}
		// Numbered names keep two files of the same base name apart and
		// keep commas, which separate FAKESERVER_SCENARIO, out.
		dst := path.Join(ScenariosDir, strconv.Itoa(len(o.files)+1)+strings.ToLower(filepath.Ext(nameOrFile)))
		o.files = append(o.files, file{data: data, path: dst})
		o.scenarios = append(o.scenarios, dst)
		return nil
	}
}

// WithSeed makes generated ids and secrets repeatable: two containers with
// the same seed give the same answers to the same requests.
func WithSeed(seed uint64) Option {
	return func(o *options) error {
		o.seed = &seed
		return nil
	}
}

// WithAdminToken guards the admin API under /_fake/ with token (sent as
// "Authorization: Bearer <token>"); GET /_fake/health stays open. The
// Container's admin methods send it.
func WithAdminToken(token string) Option {
	return func(o *options) error {
		if token == "" || strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return errors.New("admin token: want a non-empty token without spaces or control characters")
		}
		o.adminToken = token
		return nil
	}
}

// WithTime starts the server's clock stopped at t instead of following the
// wall clock.
func WithTime(t time.Time) Option {
	return func(o *options) error {
		if t.IsZero() {
			return errors.New("time: zero time")
		}
		o.start = t
		return nil
	}
}

// WithoutCryptlexRateLimit turns the Cryptlex rate limit (50 requests per 5
// seconds per client address) off. Behind Docker's port forwarding every
// caller may share one address, so test suites often want it off.
func WithoutCryptlexRateLimit() Option {
	return func(o *options) error {
		o.noRateLimit = true
		return nil
	}
}

// WithWebhookHosts lets the server deliver Cryptlex webhooks to hosts
// besides its own loopback (see fake.WithWebhookHosts). A receiver on the
// Docker host is reached either with host networking (the
// testcontainers.CustomizeRequestOption that sets HostConfig.NetworkMode to
// "host"), where the host's loopback is the container's and no option is
// needed, or at host.docker.internal with
// WithWebhookHosts("host.docker.internal") (on Linux, also map that name to
// host-gateway in the container's extra hosts).
func WithWebhookHosts(hosts ...string) Option {
	return func(o *options) error {
		for _, h := range hosts {
			if strings.TrimSpace(h) == "" || strings.ContainsAny(h, ", ") {
				return fmt.Errorf("webhook host %q: want a host name, IP address or CIDR prefix without commas or spaces", h)
			}
		}
		o.webhookHosts = append(o.webhookHosts, hosts...)
		return nil
	}
}

// env returns the container's environment for o.
func (o *options) env() map[string]string {
	env := limitsEnv(o.limits)
	if o.hasFixtures {
		env[envvar.Fixtures] = FixturesDir
	}
	if len(o.scenarios) > 0 {
		env[envvar.Scenario] = strings.Join(o.scenarios, ",")
	}
	if o.seed != nil {
		env[envvar.Seed] = strconv.FormatUint(*o.seed, 10)
	}
	if o.adminToken != "" {
		env[envvar.AdminToken] = o.adminToken
	}
	if !o.start.IsZero() {
		env[envvar.Time] = o.start.Format(time.RFC3339Nano)
	}
	if o.noRateLimit {
		env[envvar.NoRateLimit] = "true"
	}
	if len(o.webhookHosts) > 0 {
		env[envvar.WebhookHosts] = strings.Join(o.webhookHosts, ",")
	}
	return env
}
