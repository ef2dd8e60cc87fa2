package fake_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/scenarios"
)

func TestBuiltinScenariosAreWellFormed(t *testing.T) {
	t.Parallel()
	files, err := fs.Glob(scenarios.FS(), "*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no built-in scenarios: %v", err)
	}
	builtins := fake.BuiltinScenarios()
	if len(builtins) != len(files) {
		t.Fatalf("BuiltinScenarios has %d scenarios, the FS %d files", len(builtins), len(files))
	}
	readme, err := os.ReadFile("../docs/scripting.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, sc := range builtins {
		if want := strings.TrimSuffix(files[i], ".yaml"); sc.Name != want {
			t.Errorf("%s: name %q, want the file's name %q", files[i], sc.Name, want)
		}
		if len(sc.Description) < 20 {
			t.Errorf("%s: description %q says too little", sc.Name, sc.Description)
		}
		if !strings.Contains(string(readme), "| `"+sc.Name+"` |") {
			t.Errorf("%s: not in the table of built-in scenarios of docs/scripting.md", sc.Name)
		}
		srv, err := fake.NewServer(fake.WithScenario(sc.Name))
		if err != nil {
			t.Errorf("%s: %v", sc.Name, err)
			continue
		}
		srv.Close()
	}
}

// outcome describes how one call was answered: "rule:status" for a
// scripted answer, "handler" for the fake's own, "reset", "close" or
// "malformed" for socket faults.
func outcome(t *testing.T, srv *fake.Server, c call) string {
	t.Helper()
	got, err := send(srv, freshClient(), c)
	switch {
	case errors.Is(err, syscall.ECONNRESET):
		return "reset"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed"
	case errors.Is(err, io.EOF):
		return "close"
	case err != nil:
		t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	rule := got.header.Get(fake.RuleHeader)
	if rule == "" {
		return "handler"
	}
	out := strconv.Itoa(got.status)
	if got.status == 429 {
		out += " Retry-After " + got.header.Get("Retry-After")
	}
	return out
}

// outcomes sends c n times and describes each answer as outcome does.
func outcomes(t *testing.T, srv *fake.Server, c call, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = outcome(t, srv, c)
	}
	return out
}

func TestBuiltinScenariosDoWhatTheySay(t *testing.T) {
	t.Parallel()
	logscaleCreate := call{method: "POST", path: "/graphql", header: logscaleViewer.header,
		body: `{"query":"mutation { createViewPermissionsTokenV2(input: {name: \"n\", viewIds: [\"v\"], viewPermissions: [ReadAccess]}) { token } }"}`}
	logscaleToken := call{method: "POST", path: "/graphql", header: logscaleViewer.header,
		body: `{"query":"{ token(tokenId: \"x\") { id } }"}`}
	unleashDelete := call{method: "DELETE", path: "/api/admin/user/tokens/1", header: unleashList.header}
	cryptlexGet := call{method: "GET", path: "/v3/personal-access-tokens/0b6e4f2a-7c1d-4e8b-a5f3-9d2c6b1e8a70", header: cryptlexList.header}
	every := func(out ...string) map[string][]string {
		return map[string][]string{"logscale": out, "unleash": out, "cryptlex": out}
	}
	calls := map[string]call{"logscale": logscaleViewer, "unleash": unleashList, "cryptlex": cryptlexList}
	tests := []struct {
		scenario string
		calls    map[string]call // per API; the default calls when nil
		want     map[string][]string
	}{
		{"rate-limit", nil, every("429 Retry-After 1", "429 Retry-After 1", "handler", "handler")},
		{"server-errors", nil, every("500", "502", "503", "handler")},
		{"auth-failures", nil, every("401", "403", "handler")},
		{"bad-requests", nil, every("400", "400", "400")},
		{"flaky-network", nil, every("reset", "close", "malformed", "handler")},
		{"conflicts", map[string]call{"logscale": logscaleCreate, "unleash": unleashCreate("c"), "cryptlex": cryptlexCreate("c")}, every("409", "409")},
		{"conflicts", nil, every("handler")},
		{"not-found", map[string]call{"logscale": logscaleToken, "unleash": unleashDelete, "cryptlex": cryptlexGet}, every("404", "404")},
		{"not-found", nil, every("handler")},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			srv := fake.Start(t, fake.WithScenario(tt.scenario))
			cs := tt.calls
			if cs == nil {
				cs = calls
			}
			got := map[string][]string{}
			for api, want := range tt.want {
				got[api] = outcomes(t, srv, cs[api], len(want))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcomes per API (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuiltinSlowScenario(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithScenario("slow"))
	var wg sync.WaitGroup
	for _, c := range []call{logscaleViewer, unleashList, cryptlexList} {
		wg.Go(func() {
			start := time.Now()
			got, err := send(srv, nil, c)
			if err != nil {
				t.Errorf("%s: %v", c.path, err)
				return
			}
			if elapsed := time.Since(start); elapsed < time.Second {
				t.Errorf("%s answered after %s, before the 1s delay", c.path, elapsed)
			}
			if got.header.Get(fake.RuleHeader) != "slow" {
				t.Errorf("%s answered by %q, want the slow rule", c.path, got.header.Get(fake.RuleHeader))
			}
		})
	}
	wg.Wait()
	if n := srv.Count(fake.Filter{Rule: "slow", Status: 200}); n != 3 {
		t.Errorf("%d answers of 200 through the slow rule, want 3 (the handlers answer)", n)
	}
}

func TestScenarioFiles(t *testing.T) {
	t.Parallel()
	t.Run("the design's example", func(t *testing.T) {
		t.Parallel()
		srv := fake.Start(t, fake.WithScenario("../testdata/scenarios/throttled-token-creation.yaml"))
		create := call{method: "POST", path: "/graphql", header: logscaleViewer.header,
			body: `{"query":"mutation { createViewPermissionsTokenV2(input: {name: \"n\", viewIds: [\"v\"], viewPermissions: [ReadAccess]}) { token } }"}`}
		want := []string{"429 Retry-After 2", "429 Retry-After 2", "handler"}
		got := outcomes(t, srv, create, len(want))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
		if got := do(t, srv, nil, cryptlexCreate("x")); got.status != 409 || got.header.Get(fake.RuleHeader) != "throttled-token-creation[1]" {
			t.Errorf("cryptlex create %d by %q, want 409 by throttled-token-creation[1]", got.status, got.header.Get(fake.RuleHeader))
		}
		srv.AssertScriptsUsed(t)
	})
	t.Run("JSON with a data body", func(t *testing.T) {
		t.Parallel()
		srv := fake.Start(t)
		if err := srv.LoadScenario("../testdata/scenarios/custom-body.json"); err != nil {
			t.Fatal(err)
		}
		if got := outcome(t, srv, unleashList); got != "handler" {
			t.Errorf("first call %s, want the handler (after: 1)", got)
		}
		got := do(t, srv, nil, unleashList)
		if got.status != 503 || got.header.Get("Retry-After") != "30" || got.header.Get("Content-Type") != "application/json" {
			t.Errorf("got %d Retry-After %q Content-Type %q", got.status, got.header.Get("Retry-After"), got.header.Get("Content-Type"))
		}
		if !jsonEqual(t, got.body, []byte(`{"message":"Down for maintenance","eta":[1,2]}`)) {
			t.Errorf("body %s", got.body)
		}
	})
	t.Run("from data", func(t *testing.T) {
		t.Parallel()
		srv := fake.Start(t)
		err := srv.LoadScenarioData([]byte("name: inline\nrules:\n  - {match: {api: cryptlex}, times: 1, respond: {status: 500}}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := outcome(t, srv, cryptlexList); got != "500" {
			t.Errorf("got %s, want 500", got)
		}
		srv.AssertScriptsUsed(t)
	})
}

func TestInvalidScenarioFiles(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"not-yaml.yaml":            "not valid YAML or JSON",
		"empty.yaml":               "empty file",
		"not-a-mapping.yaml":       "top level: must be a mapping, got a list",
		"missing-name.yaml":        "name: required",
		"unknown-top-field.yaml":   "rulez: unknown field (known: name, description, rules)",
		"unknown-rule-field.yaml":  `rules[1] ("second"): tmes: unknown field (known: name, match, after, times, respond)`,
		"unknown-match-field.yaml": `rules[0] ("first"): match.opration: unknown field (known: api, operation, method, path, webhook)`,
		"bad-status.yaml":          `rules[0] ("boom"): respond.status: 700 is not an HTTP status (100 to 599)`,
		"bad-delay.yaml":           `rules[0] ("lazy"): respond.delay: "fast" is not a duration`,
		"negative-times.yaml":      `rules[0] ("never"): times: must not be negative (0, or left out, answers every call), got -1`,
		"unknown-api.json":         `rules[0] ("gh"): match.api: unknown API "github"`,
		"empty-rules.yaml":         "rules: must not be empty",
		"duplicate-rule-name.yaml": `rules[1] ("same"): name: already used by rules[0]`,
		"missing-respond.yaml":     `rules[0] ("mute"): respond: required`,
		"wrong-type.yaml":          `rules[0] ("wordy"): after: must be a whole number, got the string "two"`,
		"header-list.yaml":         `rules[0] ("listy"): respond.headers.Retry-After: must be a string or a number, got a list`,
		"unknown-fault.yaml":       `rules[0] ("boom"): respond.fault: unknown fault "explode"`,
		"reset-with-status.yaml":   `rules[0] ("loud-reset"): respond.fault: "reset" sends no response`,
		"operation-on-rest.yaml":   `rules[0] ("rest"): match.operation: only LogScale GraphQL requests have operations`,
		"relative-path.yaml":       `rules[0] ("rel"): match.path: "v3/personal-access-tokens" must start with /`,
	}
	entries, err := os.ReadDir("../testdata/scenarios/invalid")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(tests) {
		t.Errorf("%d invalid files, %d expectations", len(entries), len(tests))
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("..", "testdata", "scenarios", "invalid", file)
			want = "scenario " + path + ": " + want
			_, err := fake.NewServer(fake.WithScenario(path))
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("NewServer error:\n %v\nwant it to start with\n %s", err, want)
			}
			srv := fake.Start(t)
			if err := srv.LoadScenario(path); err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("LoadScenario error:\n %v\nwant it to start with\n %s", err, want)
			}
		})
	}
}

func TestUnknownScenario(t *testing.T) {
	t.Parallel()
	_, err := fake.NewServer(fake.WithScenario("rate-limits"))
	want := `unknown scenario "rate-limits": no built-in scenario (auth-failures, bad-requests, conflicts, flaky-network, not-found, rate-limit, server-errors, slow) nor file of that name`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	if _, err := fake.NewServer(fake.WithScenario("no/such/file.yaml")); err == nil || !strings.Contains(err.Error(), "read scenario: open no/such/file.yaml") {
		t.Errorf("error %v, want a read error naming the file", err)
	}
}

func TestResetRestoresStartupScenarios(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithScenario("rate-limit"))
	script(t, srv, fake.Rule{Name: "added", Match: fake.Match{API: fake.APIUnleash}, Respond: fake.Response{Status: 500}})
	want := []string{"429 Retry-After 1", "429 Retry-After 1", "500"}
	got := outcomes(t, srv, unleashList, len(want))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("before Reset (-want +got):\n%s", diff)
	}
	srv.Reset()
	if n := srv.Count(fake.Filter{}); n != 0 {
		t.Errorf("journal has %d requests after Reset", n)
	}
	want = []string{"429 Retry-After 1", "429 Retry-After 1", "handler"}
	got = outcomes(t, srv, unleashList, len(want))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after Reset (-want +got):\n%s", diff)
	}
	srv.ClearScripts()
	if got := outcome(t, srv, cryptlexList); got != "handler" {
		t.Errorf("after ClearScripts %s, want the handler", got)
	}
}

func TestScenariosApplyInTheOrderGiven(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithScenario("auth-failures"), fake.WithScenario("rate-limit"))
	want := []string{"401", "403", "429 Retry-After 1", "429 Retry-After 1", "handler"}
	got := outcomes(t, srv, unleashList, len(want))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
}
