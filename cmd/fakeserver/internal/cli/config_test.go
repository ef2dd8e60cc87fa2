package cli

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

func TestParse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "unleash.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	defaults := config{addr: DefaultAddr, logFormat: "text", limits: fake.DefaultLimits(), shutdownTimeout: DrainTimeout}
	// every limit set away from its default, by flag or by variable
	limits := fake.Limits{JournalEntries: 5, JournalBytes: 2 << 20, GraphQLResultBytes: 512 << 10,
		Rules: -1, LogScaleTokens: 3, UnleashPATs: 4, CryptlexPATs: 5, Connections: 6,
		ReadHeaderTimeout: time.Second, IdleTimeout: -1}
	with := func(f func(*config)) config {
		c := defaults
		f(&c)
		return c
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want config
	}{
		{name: "defaults", want: defaults},
		{
			name: "every flag",
			args: []string{"-addr", "0.0.0.0:9000", "-fixtures", dir, "-scenario", "a", "-scenario", "b.yaml",
				"-seed", "42", "-admin-token", "t", "-log-format", "json", "-time", "2030-01-01T00:00:00Z",
				"-no-rate-limit", "-unleash-pats-disabled", "-journal-limit", "5", "-webhook-hosts", "host.docker.internal, 10.0.0.0/8",
				"-journal-bytes", "2MiB", "-max-graphql-result-bytes", "512KiB", "-max-rules", "-1",
				"-max-logscale-tokens", "3", "-max-unleash-pats", "4", "-max-cryptlex-pats", "5",
				"-max-connections", "6", "-read-header-timeout", "1s", "-idle-timeout", "-1ns", "-shutdown-timeout", "2s"},
			want: config{addr: "0.0.0.0:9000", fixtures: dir, scenarios: []string{"a", "b.yaml"}, seed: 42,
				adminToken: "t", logFormat: "json", start: at, noRateLimit: true, unleashPATsDisabled: true,
				webhookHosts: []string{"host.docker.internal", "10.0.0.0/8"}, limits: limits, shutdownTimeout: 2 * time.Second},
		},
		{
			name: "every variable",
			env: map[string]string{envvar.Addr: "0.0.0.0:9000", envvar.Fixtures: dir, envvar.Scenario: "a, b.yaml,,",
				envvar.Seed: "42", envvar.AdminToken: "t", envvar.LogFormat: "json", envvar.Time: "2030-01-01T00:00:00Z",
				envvar.NoRateLimit: "1", envvar.UnleashPATsDisabled: "true", envvar.JournalLimit: "5", envvar.WebhookHosts: "receiver,,::1",
				envvar.JournalBytes: "2097152", envvar.MaxGraphQLResult: "512 KiB", envvar.MaxRules: "-1",
				envvar.MaxLogScaleTokens: "3", envvar.MaxUnleashPATs: "4", envvar.MaxCryptlexPATs: "5",
				envvar.MaxConnections: "6", envvar.ReadHeaderTimeout: "1s", envvar.IdleTimeout: "-1ns", envvar.ShutdownTimeout: "2s"},
			want: config{addr: "0.0.0.0:9000", fixtures: dir, scenarios: []string{"a", "b.yaml"}, seed: 42,
				adminToken: "t", logFormat: "json", start: at, noRateLimit: true, unleashPATsDisabled: true,
				webhookHosts: []string{"receiver", "::1"}, limits: limits, shutdownTimeout: 2 * time.Second},
		},
		{
			name: "flags win",
			args: []string{"-addr", "127.0.0.1:0", "-scenario", "c", "-seed", "1", "-no-rate-limit=false"},
			env:  map[string]string{envvar.Addr: "0.0.0.0:9000", envvar.Scenario: "a,b", envvar.Seed: "42", envvar.NoRateLimit: "true"},
			want: with(func(c *config) { c.addr, c.scenarios, c.seed = "127.0.0.1:0", []string{"c"}, 1 }),
		},
		{
			name: "a flag given leaves its variable unread",
			args: []string{"-seed", "1", "-time", "2030-01-01T00:00:00Z", "-journal-limit", "5", "-unleash-pats-disabled"},
			env: map[string]string{envvar.Seed: "forty-two", envvar.Time: "tomorrow", envvar.JournalLimit: "many",
				envvar.UnleashPATsDisabled: "maybe"},
			want: with(func(c *config) { c.seed, c.start, c.limits.JournalEntries, c.unleashPATsDisabled = 1, at, 5, true }),
		},
		{
			name: "negative journal limit",
			env:  map[string]string{envvar.JournalLimit: "-1"},
			want: with(func(c *config) { c.limits.JournalEntries = -1 }),
		},
		{
			name: "a variable reads what its flag reads",
			env:  map[string]string{envvar.Seed: "0x2a", envvar.NoRateLimit: "T"},
			want: with(func(c *config) { c.seed, c.noRateLimit = 42, true }),
		},
		{
			name: "and the flag the same",
			args: []string{"-seed", "0x2a", "-no-rate-limit=T"},
			want: with(func(c *config) { c.seed, c.noRateLimit = 42, true }),
		},
		{
			name: "false boolean variable",
			env:  map[string]string{envvar.NoRateLimit: "false"},
			want: defaults,
		},
		{
			name: "version",
			args: []string{"-version"},
			want: with(func(c *config) { c.version = true }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parse(tt.args, func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(config{})); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		if _, err := parse([]string{arg}, func(string) string { return "" }); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("parse(%s) error = %v, want flag.ErrHelp", arg, err)
		}
	}
}

func TestProbeAddr(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"0.0.0.0:8080", "127.0.0.1:8080"},
		{":8080", "127.0.0.1:8080"},
		{"[::]:8080", "127.0.0.1:8080"},
		{"[::1]:8080", "[::1]:8080"},
		{"localhost:9", "localhost:9"},
	}
	for _, tt := range tests {
		got, err := probeAddr(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("probeAddr(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "localhost", "127.0.0.1:0", "127.0.0.1:99999"} {
		if got, err := probeAddr(bad); err == nil {
			t.Errorf("probeAddr(%q) = %q, want an error", bad, got)
		}
	}
}
