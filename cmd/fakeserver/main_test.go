package main_test

import (
	"bufio"
	"bytes"
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
)

// testVersion is stamped into the binary under test with -ldflags.
const testVersion = "v0.0.0-test"

// binary is the fakeserver executable built once by TestMain.
var binary string

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
	if status != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Errorf("GET /_fake/health = %d %s, want 200 {\"status\":\"ok\"}", status, body)
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
		"FAKESERVER_UNLEASH_PATS_DISABLED", "-version", "healthcheck", "Examples:",
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
		{"seed not a number", []string{"-seed", "-1"}, nil, "-seed"},
		{"seed env not a number", nil, []string{"FAKESERVER_SEED=forty-two"}, `invalid FAKESERVER_SEED "forty-two"`},
		{"log format", []string{"-log-format", "xml"}, nil, `invalid -log-format "xml"`},
		{"log format env", nil, []string{"FAKESERVER_LOG_FORMAT=yaml"}, `invalid FAKESERVER_LOG_FORMAT "yaml"`},
		{"time", []string{"-time", "tomorrow"}, nil, "-time"},
		{"time env", nil, []string{"FAKESERVER_TIME=2030-13-01"}, "FAKESERVER_TIME"},
		{"boolean env", nil, []string{"FAKESERVER_NO_RATE_LIMIT=maybe"}, `invalid FAKESERVER_NO_RATE_LIMIT "maybe"`},
		{"empty scenario", []string{"-scenario", ""}, nil, "empty scenario name"},
		{"missing fixture dir", []string{"-fixtures", filepath.Join(t.TempDir(), "none")}, nil, "cannot read fixture directory"},
		{"fixture dir is a file", []string{"-fixtures", notDir}, nil, "cannot read fixture directory"},
		{"missing fixture dir from env", nil, []string{"FAKESERVER_FIXTURES=/nonexistent/fixtures"}, "FAKESERVER_FIXTURES"},
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
	// An empty directory: every vendor starts with no data, so the default
	// credentials no longer authenticate.
	empty := start(t, []string{"-addr", "127.0.0.1:0", "-fixtures", t.TempDir()}, nil)
	defaults := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	const query = `{"query":"{ viewer { username } }"}`
	for _, tt := range []struct {
		p    *process
		want int
	}{{defaults, http.StatusOK}, {empty, http.StatusUnauthorized}} {
		status, body := do(t, http.MethodPost, tt.p.url+"/graphql", "application/json", query,
			"Authorization", "Bearer "+logScaleToken)
		if status != tt.want {
			t.Errorf("POST /graphql on %s = %d %s, want %d", tt.p.url, status, body, tt.want)
		}
	}
}

// logScaleToken is fixtures.LogScaleToken, repeated so that this test sees
// the binary as a user does.
const logScaleToken = "NkVQcz7R3ihhEdnktITQsvC5D2leQzDb~ZIycXAPq4iCxsHLz9YhdL7xP1V91YajCJmUPbtv2s25U"

// startSlowRequest sends the headers and half the body of a LogScale
// request, leaving it in flight, and returns the connection and the rest of
// the body.
func startSlowRequest(t *testing.T, p *process) (net.Conn, string) {
	t.Helper()
	const body = `{"query":"{ viewer { username } }"}`
	conn, err := net.Dial("tcp", hostPort(p.url))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("POST /graphql HTTP/1.1\r\nHost: fake\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", logScaleToken, len(body))
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
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"username"`) {
				t.Errorf("request in flight: %d %s, want 200 with the viewer's username", resp.StatusCode, body)
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
