package main_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fixtures"
)

// testVersion is stamped into the binary under test with -ldflags.
const testVersion = "v0.0.0-test"

// binary is the fakeserver executable built once by TestMain; bareBinary
// is the baseline server of TestSideBySide, built with it.
var binary, bareBinary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "fakeserver-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "fakeserver")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+testVersion, "-o", binary, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "build fakeserver: %v\n", err)
		return 1
	}
	bareBinary = filepath.Join(dir, "bareserver")
	cmd = exec.Command("go", "build", "-o", bareBinary, "./testdata/bareserver")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "build bareserver: %v\n", err)
		return 1
	}
	return m.Run()
}

// process is a running fakeserver.
type process struct {
	cmd    *exec.Cmd
	url    string        // from the ready line
	stderr *syncBuffer   // everything logged so far
	done   chan struct{} // closed when the process has exited
	err    error         // the exit error, once done is closed
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// command returns a fakeserver command with args and env added to an
// environment cleared of FAKESERVER_* variables.
func command(args, env []string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FAKESERVER_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

var readyLine = regexp.MustCompile(`^fakeserver listening on (http://127\.0\.0\.1:[1-9][0-9]*)$`)

// start runs fakeserver and waits for its ready line. The process is
// killed at the end of the test.
func start(t *testing.T, args, env []string) *process {
	t.Helper()
	p := &process{cmd: command(args, env), stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, r)
	}()
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	select {
	case line := <-lines:
		m := readyLine.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
		if m == nil {
			<-p.done
			t.Fatalf("first line = %q, want %q; stderr:\n%s", line, readyLine, p.stderr)
		}
		p.url = m[1]
	case <-time.After(10 * time.Second):
		t.Fatalf("no ready line after 10s; stderr:\n%s", p.stderr)
	}
	return p
}

// wait waits for the process to exit and returns its exit status.
func (p *process) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(limit):
		t.Fatalf("still running after %v; stderr:\n%s", limit, p.stderr)
	}
	return exitCode(t, p.err)
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("wait: %v", err)
	}
	return exit.ExitCode()
}

// run runs fakeserver to completion and returns its exit status and output.
func run(t *testing.T, args, env []string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := command(args, env)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(10*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	return exitCode(t, err), out.String(), errOut.String()
}

// get sends a GET to url with optional header pairs and returns the status
// and body.
func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	return do(t, http.MethodGet, url, "", "", header...)
}

func do(t *testing.T, method, url, contentType, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp.StatusCode, string(b)
}

// hostPort returns the HOST:PORT of a ready line's URL.
func hostPort(url string) string { return strings.TrimPrefix(url, "http://") }

func TestReadyLineAndHealth(t *testing.T) {
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	status, body := get(t, p.url+"/_fake/health")
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil || status != http.StatusOK {
		t.Fatalf("GET /_fake/health = %d %s (%v), want 200 with a JSON body", status, body, err)
	}
	if diff := cmp.Diff(map[string]any{"status": "ok"}, got); diff != "" {
		t.Errorf("health body (-want +got):\n%s", diff)
	}
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	code, out, errOut := run(t, []string{"-version"}, nil)
	if code != 0 || !strings.HasPrefix(out, "fakeserver "+testVersion+" go") || errOut != "" {
		t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0 and \"fakeserver %s go...\"", code, out, errOut, testVersion)
	}
	code, out, _ = run(t, []string{"-h"}, nil)
	if code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
	for _, want := range []string{
		"-addr", "FAKESERVER_ADDR", "-fixtures", "FAKESERVER_FIXTURES", "-scenario", "FAKESERVER_SCENARIO",
		"-seed", "FAKESERVER_SEED", "-admin-token", "FAKESERVER_ADMIN_TOKEN", "-log-format", "FAKESERVER_LOG_FORMAT",
		"-no-rate-limit", "FAKESERVER_NO_RATE_LIMIT", "-time", "FAKESERVER_TIME", "-unleash-pats-disabled",
		"FAKESERVER_UNLEASH_PATS_DISABLED", "-journal-limit", "FAKESERVER_JOURNAL_LIMIT", "-version", "healthcheck",
		"Examples:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("-h output lacks %q", want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	malformed := t.TempDir()
	if err := os.WriteFile(filepath.Join(malformed, "unleash.json"), []byte(`{"pats": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir, misnamed := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(misnamed, "LogScale.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	badScenario := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(badScenario, []byte("name: bad\nrules:\n  - respond: {status: 99}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  []string
		want string // in the one-line message
	}{
		{"unknown flag", []string{"-bogus"}, nil, "-bogus"},
		{"positional argument", []string{"serve"}, nil, `unexpected argument "serve"`},
		{"addr without port", []string{"-addr", "localhost"}, nil, `invalid -addr "localhost"`},
		{"addr port not a number", []string{"-addr", "127.0.0.1:http8"}, nil, `invalid -addr`},
		{"addr from env", nil, []string{"FAKESERVER_ADDR=nowhere"}, `invalid FAKESERVER_ADDR "nowhere"`},
		{"seed not a number", []string{"-seed", "-1"}, nil, `invalid value "-1" for flag -seed: want an unsigned integer`},
		{"seed env not a number", nil, []string{"FAKESERVER_SEED=forty-two"}, `invalid FAKESERVER_SEED "forty-two": want an unsigned integer`},
		{"log format", []string{"-log-format", "xml"}, nil, `invalid -log-format "xml"`},
		{"log format env", nil, []string{"FAKESERVER_LOG_FORMAT=yaml"}, `invalid FAKESERVER_LOG_FORMAT "yaml"`},
		{"time", []string{"-time", "tomorrow"}, nil, "-time"},
		{"time env", nil, []string{"FAKESERVER_TIME=2030-13-01"}, "FAKESERVER_TIME"},
		{"boolean env", nil, []string{"FAKESERVER_NO_RATE_LIMIT=maybe"}, `invalid FAKESERVER_NO_RATE_LIMIT "maybe"`},
		{"empty scenario", []string{"-scenario", ""}, nil, "empty scenario name"},
		{"journal limit", []string{"-journal-limit", "0"}, nil, `invalid value "0" for flag -journal-limit: want a non-zero integer`},
		{"journal limit env", nil, []string{"FAKESERVER_JOURNAL_LIMIT=many"}, `invalid FAKESERVER_JOURNAL_LIMIT "many"`},
		{"missing fixture dir", []string{"-fixtures", filepath.Join(t.TempDir(), "none")}, nil, "-fixtures: fixture directory: open "},
		{"fixture dir is a file", []string{"-fixtures", notDir}, nil, "-fixtures: fixture directory: "},
		{"empty fixture dir", []string{"-fixtures", emptyDir}, nil, "holds none of the fixture files logscale.json, unleash.json, cryptlex.json, cryptlex-signing-key.pem"},
		{"misnamed fixture file", []string{"-fixtures", misnamed}, nil, "LogScale.json is not a fixture file name: did you mean logscale.json?"},
		{"missing fixture dir from env", nil, []string{"FAKESERVER_FIXTURES=/nonexistent/fixtures"}, "FAKESERVER_FIXTURES"},
		{"unknown scenario", []string{"-addr", "127.0.0.1:0", "-scenario", "no-such-scenario"}, nil, "no-such-scenario"},
		{"unknown scenario from env", []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_SCENARIO=server-errors,nope"}, `"nope"`},
		{"missing scenario file", []string{"-addr", "127.0.0.1:0", "-scenario", "./missing.yaml"}, nil, "missing.yaml"},
		{"invalid scenario file", []string{"-addr", "127.0.0.1:0", "-scenario", badScenario}, nil, "bad.yaml"},
		{"malformed fixture file", []string{"-addr", "127.0.0.1:0", "-fixtures", malformed}, nil, "unleash.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := run(t, tt.args, tt.env)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.HasSuffix(errOut, "\n") {
				t.Errorf("stderr = %q, want one line", errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr = %q, want it to name %q", errOut, tt.want)
			}
		})
	}
}

func TestAddressInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, out, errOut := run(t, []string{"-addr", l.Addr().String()}, nil)
	if code != 1 || out != "" || !strings.Contains(errOut, l.Addr().String()) {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, nothing, a message naming %s", code, out, errOut, l.Addr())
	}
}

func TestFlagsAndEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     []string
		logHas  []string // in the start-up log line
		jsonLog bool
	}{
		{
			name: "address from env",
			env:  []string{"FAKESERVER_ADDR=127.0.0.1:0"},
		},
		{
			name: "flag wins over env",
			args: []string{"-addr", "127.0.0.1:0", "-seed", "8", "-log-format", "text"},
			env:  []string{"FAKESERVER_ADDR=invalid", "FAKESERVER_SEED=7", "FAKESERVER_LOG_FORMAT=json"},
			// the text handler writes seed=8
			logHas: []string{"seed=8"},
		},
		{
			name:    "seed and log format from env",
			args:    []string{"-addr", "127.0.0.1:0"},
			env:     []string{"FAKESERVER_SEED=7", "FAKESERVER_LOG_FORMAT=json"},
			logHas:  []string{`"seed":7`},
			jsonLog: true,
		},
		{
			name:   "fixtures flag wins over env",
			args:   []string{"-addr", "127.0.0.1:0", "-fixtures", "../../fixtures"},
			env:    []string{"FAKESERVER_FIXTURES=/nonexistent"},
			logHas: []string{"fixtures=../../fixtures"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := start(t, tt.args, tt.env)
			if status, _ := get(t, p.url+"/_fake/health"); status != http.StatusOK {
				t.Errorf("GET /_fake/health = %d, want 200", status)
			}
			logs := waitForLog(t, p, "fakeserver started")
			for _, want := range tt.logHas {
				if !strings.Contains(logs, want) {
					t.Errorf("log %q lacks %q", logs, want)
				}
			}
			if tt.jsonLog && !strings.HasPrefix(logs, "{") {
				t.Errorf("log %q is not JSON", logs)
			}
		})
	}
}

// waitForLog waits for a log line containing s and returns it.
func waitForLog(t *testing.T, p *process, s string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for line := range strings.Lines(p.stderr.String()) {
			if strings.Contains(line, s) {
				return line
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q; stderr:\n%s", s, p.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFixturesFlag(t *testing.T) {
	t.Parallel()
	// A directory with only Unleash's file: Unleash serves its data, the
	// other vendors start empty.
	dir := t.TempDir()
	data, err := os.ReadFile("../../fixtures/unleash.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "unleash.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	custom := start(t, []string{"-addr", "127.0.0.1:0", "-fixtures", dir}, nil)
	fromEnv := start(t, []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_FIXTURES=" + dir})
	defaults := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	tests := []struct {
		name     string
		p        *process
		unleash  int
		cryptlex int
		logscale int
	}{
		{"defaults", defaults, http.StatusOK, http.StatusOK, http.StatusOK},
		{"flag", custom, http.StatusOK, http.StatusUnauthorized, http.StatusUnauthorized},
		{"env", fromEnv, http.StatusOK, http.StatusUnauthorized, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if status, body := get(t, tt.p.url+unleashTokens, "Authorization", fixtures.UnleashToken); status != tt.unleash {
				t.Errorf("Unleash GET = %d %s, want %d", status, body, tt.unleash)
			}
			if status, body := get(t, tt.p.url+cryptlexTokens, "Authorization", "Bearer "+fixtures.CryptlexToken); status != tt.cryptlex {
				t.Errorf("Cryptlex GET = %d %s, want %d", status, body, tt.cryptlex)
			}
			status, body := do(t, http.MethodPost, tt.p.url+"/graphql", "application/json", viewerQuery,
				"Authorization", "Bearer "+fixtures.LogScaleToken)
			if status != tt.logscale {
				t.Errorf("LogScale viewer = %d %s, want %d", status, body, tt.logscale)
			}
		})
	}
}

const (
	unleashTokens  = "/api/admin/user/tokens"
	cryptlexTokens = "/v3/personal-access-tokens"
	viewerQuery    = `{"query":"{ viewer { username } }"}`
)

// statuses sends n GETs of the caller's Unleash PATs and returns the
// statuses.
func statuses(t *testing.T, url string, n int) []int {
	t.Helper()
	var got []int
	for range n {
		status, _ := get(t, url+unleashTokens, "Authorization", fixtures.UnleashToken)
		got = append(got, status)
	}
	return got
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "conflict.yaml")
	const scenario = `name: unleash-conflict
rules:
  - match: {api: unleash, method: GET}
    times: 2
    respond: {status: 409}
`
	if err := os.WriteFile(file, []byte(scenario), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  []string
		want []int
	}{
		{"none", nil, nil, []int{200, 200}},
		{"built-in by flag", []string{"-scenario", "server-errors"}, nil, []int{500, 502, 503, 200}},
		{"file by flag", []string{"-scenario", file}, nil, []int{409, 409, 200}},
		{"two by flag, in order", []string{"-scenario", file, "-scenario", "auth-failures"}, nil, []int{409, 409, 401, 403, 200}},
		{"two by env", nil, []string{"FAKESERVER_SCENARIO=auth-failures," + file}, []int{401, 403, 409, 409, 200}},
		{"flag replaces env", []string{"-scenario", file}, []string{"FAKESERVER_SCENARIO=server-errors"}, []int{409, 409, 200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := start(t, append([]string{"-addr", "127.0.0.1:0"}, tt.args...), tt.env)
			if diff := cmp.Diff(tt.want, statuses(t, p.url, len(tt.want))); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]*process{
		"flag": start(t, []string{"-addr", "127.0.0.1:0", "-admin-token", "s3cret"}, nil),
		"env":  start(t, []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_ADMIN_TOKEN=s3cret"}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if status, body := do(t, http.MethodPost, p.url+"/_fake/reset", "", ""); status != http.StatusUnauthorized {
				t.Errorf("reset without the token = %d %s, want 401", status, body)
			}
			if status, body := do(t, http.MethodPost, p.url+"/_fake/reset", "", "", "Authorization", "Bearer s3cret"); status/100 != 2 {
				t.Errorf("reset with the token = %d %s, want 2xx", status, body)
			}
			if status, body := get(t, p.url+"/_fake/health"); status != http.StatusOK {
				t.Errorf("health without the token = %d %s, want 200", status, body)
			}
			code, _, errOut := run(t, []string{"healthcheck", "-addr", hostPort(p.url)}, []string{"FAKESERVER_ADMIN_TOKEN=s3cret"})
			if code != 0 {
				t.Errorf("healthcheck: exit %d, stderr %q; want 0", code, errOut)
			}
		})
	}
}

// createUnleashPAT creates an Unleash PAT and returns its decoded answer.
func createUnleashPAT(t *testing.T, url string) map[string]any {
	t.Helper()
	status, body := do(t, http.MethodPost, url+unleashTokens, "application/json",
		`{"description":"ci","expiresAt":"2099-01-01T00:00:00.000Z"}`, "Authorization", fixtures.UnleashToken)
	if status != http.StatusCreated {
		t.Fatalf("create Unleash PAT = %d %s, want 201", status, body)
	}
	var pat map[string]any
	if err := json.Unmarshal([]byte(body), &pat); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return pat
}

func TestSeedAndTime(t *testing.T) {
	t.Parallel()
	const at = "2030-01-01T00:00:00Z"
	byFlag := start(t, []string{"-addr", "127.0.0.1:0", "-seed", "42", "-time", at}, nil)
	byEnv := start(t, []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_SEED=42", "FAKESERVER_TIME=" + at})
	other := start(t, []string{"-addr", "127.0.0.1:0", "-seed", "43"}, []string{"FAKESERVER_SEED=42"})
	a, b, c := createUnleashPAT(t, byFlag.url), createUnleashPAT(t, byEnv.url), createUnleashPAT(t, other.url)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed and time by flag and by env, different PATs (-flag +env):\n%s", diff)
	}
	if a["secret"] == c["secret"] {
		t.Errorf("seeds 42 and 43 gave the same secret %v", a["secret"])
	}
	if a["createdAt"] != "2030-01-01T00:00:00.000Z" {
		t.Errorf("createdAt = %v, want the -time given", a["createdAt"])
	}
}

func TestVendorSwitches(t *testing.T) {
	t.Parallel()
	t.Run("Unleash PATs disabled", func(t *testing.T) {
		t.Parallel()
		for _, p := range []*process{
			start(t, []string{"-addr", "127.0.0.1:0", "-unleash-pats-disabled"}, nil),
			start(t, []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_UNLEASH_PATS_DISABLED=true"}),
		} {
			status, body := get(t, p.url+unleashTokens, "Authorization", fixtures.UnleashToken)
			if status != http.StatusNotFound || !strings.Contains(body, "PATs are disabled.") {
				t.Errorf("GET = %d %s, want 404 PATs are disabled.", status, body)
			}
		}
	})
	t.Run("Cryptlex rate limit", func(t *testing.T) {
		t.Parallel()
		limited := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
		unlimited := start(t, []string{"-addr", "127.0.0.1:0", "-no-rate-limit"}, nil)
		fromEnv := start(t, []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_NO_RATE_LIMIT=true"})
		for _, tt := range []struct {
			p    *process
			want bool // a 429 among 51 calls
		}{{limited, true}, {unlimited, false}, {fromEnv, false}} {
			throttled := false
			for range 51 {
				status, _ := get(t, tt.p.url+cryptlexTokens, "Authorization", "Bearer "+fixtures.CryptlexToken)
				throttled = throttled || status == http.StatusTooManyRequests
			}
			if throttled != tt.want {
				t.Errorf("%s: 429 among 51 calls = %v, want %v", tt.p.url, throttled, tt.want)
			}
		}
	})
}

func TestJournalLimit(t *testing.T) {
	t.Parallel()
	for name, p := range map[string]*process{
		"flag": start(t, []string{"-addr", "127.0.0.1:0", "-journal-limit", "2"}, []string{"FAKESERVER_JOURNAL_LIMIT=50"}),
		"env":  start(t, []string{"-addr", "127.0.0.1:0"}, []string{"FAKESERVER_JOURNAL_LIMIT=2"}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			statuses(t, p.url, 3)
			status, body := get(t, p.url+"/_fake/requests")
			var journal struct{ Requests []json.RawMessage }
			if err := json.Unmarshal([]byte(body), &journal); err != nil || status != http.StatusOK {
				t.Fatalf("GET /_fake/requests = %d %s (%v)", status, body, err)
			}
			if len(journal.Requests) != 2 {
				t.Errorf("journal keeps %d requests, want the newest 2", len(journal.Requests))
			}
		})
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0", "-log-format", "json"}, nil)
	get(t, p.url+unleashTokens, "Authorization", fixtures.UnleashToken)
	line := waitForLog(t, p, `"path":"/api/admin/user/tokens"`)
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil {
		t.Fatalf("log line %q: %v", line, err)
	}
	for _, key := range []string{"method", "path", "status", "duration"} {
		if _, ok := entry[key]; !ok {
			t.Errorf("log line %q lacks %q", line, key)
		}
	}
}

// startSlowRequest sends the headers and part of the body of a request to
// create an Unleash PAT, leaving it in flight, and returns the connection and the rest of
// the body.
func startSlowRequest(t *testing.T, p *process) (net.Conn, string) {
	t.Helper()
	const body = `{"description":"slow upload","expiresAt":"2099-01-01T00:00:00.000Z"}`
	conn, err := net.Dial("tcp", hostPort(p.url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: fake\r\nAuthorization: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", unleashTokens, fixtures.UnleashToken, len(body))
	if _, err := io.WriteString(conn, head+body[:10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the server start reading it
	return conn, body[10:]
}

func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			p := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
			conn, rest := startSlowRequest(t, p)
			signalled := time.Now()
			if err := p.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			select {
			case <-p.done:
				t.Fatalf("exited before answering the request in flight; stderr:\n%s", p.stderr)
			default:
			}
			if _, err := io.WriteString(conn, rest); err != nil {
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("read response to the request in flight: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated || !strings.Contains(string(body), `"slow upload"`) {
				t.Errorf("request in flight: %d %s, want 201 with the new PAT", resp.StatusCode, body)
			}
			if code := p.wait(t, 2*time.Second); code != 0 {
				t.Errorf("exit %d, want 0", code)
			}
			if took := time.Since(signalled); took > time.Second {
				t.Errorf("exited %v after the signal, want within 1s", took)
			}
		})
	}
}

func TestShutdownIsBounded(t *testing.T) {
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	startSlowRequest(t, p) // never finished
	signalled := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 3*time.Second); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if took := time.Since(signalled); took > time.Second {
		t.Errorf("exited %v after the signal, want within 1s", took)
	}
	waitForLog(t, p, "in flight")
}

func TestHealthcheck(t *testing.T) {
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	_, port, err := net.SplitHostPort(hostPort(p.url))
	if err != nil {
		t.Fatal(err)
	}
	notFake := newStatusServer(t, http.StatusNotFound)
	closed := closedAddr(t)
	tests := []struct {
		name string
		args []string
		env  []string
		want int
	}{
		{"flag", []string{"-addr", hostPort(p.url)}, nil, 0},
		{"env", nil, []string{"FAKESERVER_ADDR=" + hostPort(p.url)}, 0},
		{"unspecified host probes loopback", []string{"-addr", "0.0.0.0:" + port}, nil, 0},
		{"flag wins over env", []string{"-addr", hostPort(p.url)}, []string{"FAKESERVER_ADDR=" + closed}, 0},
		{"nothing listening", []string{"-addr", closed}, nil, 1},
		{"not a fakeserver", []string{"-addr", notFake}, nil, 1},
		{"bad address", []string{"-addr", "nowhere"}, nil, 2},
		{"port 0", []string{"-addr", "127.0.0.1:0"}, nil, 2},
		{"unknown flag", []string{"-bogus"}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := run(t, append([]string{"healthcheck"}, tt.args...), tt.env)
			if code != tt.want {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.want, errOut)
			}
			if code != 0 && strings.Count(errOut, "\n") != 1 {
				t.Errorf("stderr = %q, want one line", errOut)
			}
		})
	}
}

// newStatusServer returns the HOST:PORT of a server that answers every
// request with status.
func newStatusServer(t *testing.T, status int) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

// closedAddr returns a loopback HOST:PORT that nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// BenchmarkStartToFirstResponse measures, per iteration, the time from
// starting the binary to the answer to its first request (GET
// /_fake/health), and reports the resident memory of the idle server
// after that request. Stopping the process is not timed.
func BenchmarkStartToFirstResponse(b *testing.B) {
	var rss float64
	for b.Loop() {
		cmd := command([]string{"-addr", "127.0.0.1:0"}, nil)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		m := readyLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			b.Fatalf("ready line %q", line)
		}
		resp, err := http.Get(m[1] + "/_fake/health")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		b.StopTimer()
		rss = max(rss, residentMiB(b, cmd.Process.Pid))
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		b.StartTimer()
	}
	b.ReportMetric(rss, "MiB-rss")
}

// residentMiB returns the resident set size of process pid from
// /proc/PID/status (Linux only; 0 elsewhere).
func residentMiB(tb testing.TB, pid int) float64 {
	tb.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kib float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kib); err == nil {
				return kib / 1024
			}
		}
	}
	return 0
}
