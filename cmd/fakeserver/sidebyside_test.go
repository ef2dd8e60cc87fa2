package main_test

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/cmd/fakeserver/internal/bare"
	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

var sideBySide = flag.String("sidebyside", "short",
	`TestSideBySide's mode: "short" checks that fakeserver and the bare server answer alike under a little load; `+
		`"full" also measures both and logs the table (run with -v)`)

// sideBySideMode is how much TestSideBySide measures.
type sideBySideMode struct {
	starts    int           // process starts per server
	rounds    int           // load rounds per server and route
	load      time.Duration // length of one load round
	inProcess int           // in-process round trips per server
}

var sideBySideModes = map[string]sideBySideMode{
	"short": {starts: 1, rounds: 1, load: 40 * time.Millisecond, inProcess: 2},
	"full":  {starts: 21, rounds: 5, load: time.Second, inProcess: 301},
}

// sideBySideConns is the number of keep-alive connections of the load.
const sideBySideConns = 32

// listTokensBody is the LogScale query of the comparison.
const listTokensBody = `{"query":"query ListTokens { tokens(sortBy: Name) { totalResults results { id name createdAt expireAt } } }"}`

// sideBySideTime stops fakeserver's clock, so that its answers are the same
// bytes every time.
const sideBySideTime = "2026-01-01T00:00:00Z"

var listeningLine = regexp.MustCompile(`^(?:fake|bare)server listening on (http://127\.0\.0\.1:[1-9][0-9]*)\n$`)

// TestSideBySide compares fakeserver with the bare server of
// testdata/bareserver, which answers the same two routes with the fake's
// own answers as fixed bytes: process start to the first answer, idle
// memory, throughput of each route, and the in-process round trip of
// fake.NewServer against httptest.NewServer with a fake's handler built
// beforehand and with the bare handler. They take turns in one run.
// It asserts only that both answer 200 with the same bytes; with
// -sidebyside=full it logs medians and their ratios.
func TestSideBySide(t *testing.T) {
	mode, ok := sideBySideModes[*sideBySide]
	if !ok {
		t.Fatalf("-sidebyside=%q: want short or full", *sideBySide)
	}
	if *sideBySide == "short" {
		t.Parallel()
	}
	fakeArgs := []string{"-addr", "127.0.0.1:0", "-time", sideBySideTime}

	// The fake's answers, which the bare server serves as they are.
	fakeProc := startListening(t, command(fakeArgs, nil))
	fakeClient := loadClient()
	var answers bare.Answers
	answers.Unleash, _ = roundTrip(t, fakeClient, unleashRequest(fakeProc.url))
	answers.LogScale, _ = roundTrip(t, fakeClient, listTokensRequest(fakeProc.url))
	dir := t.TempDir()
	bareArgs := []string{"-addr", "127.0.0.1:0",
		"-unleash", filepath.Join(dir, "unleash.json"), "-unleash-type", answers.Unleash.ContentType,
		"-logscale", filepath.Join(dir, "logscale.json"), "-logscale-type", answers.LogScale.ContentType}
	for name, body := range map[string][]byte{"unleash.json": answers.Unleash.Body, "logscale.json": answers.LogScale.Body} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	servers := [2]struct {
		name string
		cmd  func() *exec.Cmd
	}{
		{"fakeserver", func() *exec.Cmd { return command(fakeArgs, nil) }},
		{"bare", func() *exec.Cmd { return exec.Command(bareBinary, bareArgs...) }},
	}

	// Start and idle memory, from alternate fresh processes.
	var startTimes [2][]time.Duration
	var rss [2][]float64
	for i := range mode.starts {
		for _, k := range alternate(i) {
			d, mib := startToFirstAnswer(t, servers[k].cmd(), answers.LogScale)
			startTimes[k] = append(startTimes[k], d)
			rss[k] = append(rss[k], mib)
		}
	}

	// Throughput, alternately, on one process of each.
	bareProc := startListening(t, servers[1].cmd())
	urls := [2]string{fakeProc.url, bareProc.url}
	pids := [2]int{fakeProc.cmd.Process.Pid, bareProc.cmd.Process.Pid}
	clients := [2]*http.Client{fakeClient, loadClient()}
	routes := [2]struct {
		name string
		req  func(url string) *http.Request
		want bare.Answer
	}{
		{"unleash", unleashRequest, answers.Unleash},
		{"logscale", listTokensRequest, answers.LogScale},
	}
	var rates [2][2][]float64     // by route, then server
	var cpu [2][2][]time.Duration // the server's CPU time per request, by route, then server
	for ri, route := range routes {
		for k := range servers { // warm up: connections, caches, heap
			load(t, clients[k], urls[k], route.req, route.want, mode.load/4)
		}
		for i := range mode.rounds {
			for _, k := range alternate(i) {
				before := cpuTime(pids[k])
				rate, n := load(t, clients[k], urls[k], route.req, route.want, mode.load)
				rates[ri][k] = append(rates[ri][k], rate)
				if used := cpuTime(pids[k]) - before; before > 0 && n > 0 {
					cpu[ri][k] = append(cpu[ri][k], used/time.Duration(n))
				}
			}
		}
	}

	// In process: fake.NewServer against httptest doing the same round
	// trip, with the handler of a fake built beforehand (what building and
	// closing a fake costs), and with the bare handler.
	built, err := fake.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer built.Close()
	inProcessHandlers := [3]struct {
		name string
		h    http.Handler
	}{{"fakeserver", nil}, {"httptest with a built fake's handler", built.Handler()}, {"httptest with the bare handler", bare.Handler(answers)}}
	var inProcess [3][]time.Duration
	for i := range mode.inProcess {
		for _, k := range rotate(i) {
			t0 := time.Now()
			var url string
			var client *http.Client
			var stop func()
			if k == 0 {
				srv, err := fake.NewServer()
				if err != nil {
					t.Fatal(err)
				}
				url, client, stop = srv.URL(), srv.Client(), srv.Close
			} else {
				ts := httptest.NewServer(inProcessHandlers[k].h)
				url, client, stop = ts.URL, ts.Client(), ts.Close
			}
			got, status := roundTrip(t, client, listTokensRequest(url))
			stop()
			inProcess[k] = append(inProcess[k], time.Since(t0))
			checkAnswer(t, inProcessHandlers[k].name+" in process", status, got, answers.LogScale)
		}
	}

	if *sideBySide != "full" {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s, %s/%s, GOMAXPROCS %d; medians of %d starts, %d rounds of %s with %d connections, %d in-process round trips\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0),
		mode.starts, mode.rounds, mode.load, sideBySideConns, mode.inProcess)
	fmt.Fprintf(&b, "| what | fakeserver | bare Go server | ratio | goal |\n|---|---|---|---|---|\n")
	row := func(what, unit string, f, bare float64, goal string) {
		fmt.Fprintf(&b, "| %s | %.*f %s | %.*f %s | %.2fx | %s |\n", what, decimals(f), f, unit, decimals(bare), bare, unit, f/bare, goal)
	}
	row("process start to the first 200 of a LogScale tokens query on a new connection", "ms",
		ms(median(startTimes[0])), ms(median(startTimes[1])), "<= 1.3x")
	row("idle resident memory after that (VmRSS)", "MiB", median(rss[0]), median(rss[1]), "<= 1.5x")
	row("Unleash GET /api/admin/user/tokens, 32 keep-alive connections", "req/s",
		median(rates[0][0]), median(rates[0][1]), ">= 0.9x")
	row("LogScale query ListTokens, 32 keep-alive connections", "req/s",
		median(rates[1][0]), median(rates[1][1]), ">= 0.5x")
	for ri, what := range []string{"Unleash", "LogScale"} {
		if len(cpu[ri][0]) > 0 && len(cpu[ri][1]) > 0 {
			row(what+": the server's CPU time per request in those rounds", "µs",
				us(median(cpu[ri][0])), us(median(cpu[ri][1])), "none")
		}
	}
	row("in process: NewServer, the query over HTTP, Close (bare: httptest.NewServer with a fake's handler built beforehand)", "µs",
		us(median(inProcess[0])), us(median(inProcess[1])), "<= 1.1x")
	row("in process, the same (bare: httptest.NewServer with the bare server's handler)", "µs",
		us(median(inProcess[0])), us(median(inProcess[2])), "none")
	t.Log(b.String())
}

// alternate is the order of the two servers in round i: each goes first
// every other round.
func alternate(i int) [2]int {
	if i%2 == 0 {
		return [2]int{0, 1}
	}
	return [2]int{1, 0}
}

// rotate is the order of the three in-process round trips in round i: each
// goes first every third round.
func rotate(i int) [3]int {
	return [3]int{i % 3, (i + 1) % 3, (i + 2) % 3}
}

// decimals is how many decimals to print v with.
func decimals(v float64) int {
	switch {
	case v >= 1000:
		return 0
	case v >= 10:
		return 1
	default:
		return 2
	}
}

// median returns the middle value of v (the upper one of an even count).
func median[T int64 | float64 | time.Duration](v []T) T {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// listening is a server process started by startListening.
type listening struct {
	cmd *exec.Cmd
	url string
}

// startListening starts cmd and waits for its listening line. The process
// is killed at the end of the test. Its log goes to the null device.
func startListening(t *testing.T, cmd *exec.Cmd) *listening {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := listeningLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("%s: first line %q (%v)", cmd.Path, line, err)
	}
	return &listening{cmd: cmd, url: m[1]}
}

// startToFirstAnswer starts cmd, sends it the ListTokens query on a new
// connection as soon as it listens, and returns the time from the start to
// the whole answer and the process's resident memory after it. The process
// is stopped before it returns.
func startToFirstAnswer(t *testing.T, cmd *exec.Cmd, want bare.Answer) (time.Duration, float64) {
	t.Helper()
	t0 := time.Now()
	p := startListening(t, cmd)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	got, status := roundTrip(t, client, listTokensRequest(p.url))
	d := time.Since(t0)
	checkAnswer(t, filepath.Base(cmd.Path)+" first answer", status, got, want)
	mib := residentMiB(t, p.cmd.Process.Pid)
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	return d, mib
}

func unleashRequest(url string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, url+bare.UnleashPath, nil)
	req.Header.Set("Authorization", fixtures.UnleashToken)
	return req
}

func listTokensRequest(url string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, url+bare.LogScalePath, strings.NewReader(listTokensBody))
	req.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
	req.Header.Set("Content-Type", "application/json")
	return req
}

// loadClient returns a client that keeps sideBySideConns connections open.
func loadClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: sideBySideConns, MaxConnsPerHost: sideBySideConns}}
}

// roundTrip sends req and returns the answer's content type and body, and
// its status.
func roundTrip(t *testing.T, client *http.Client, req *http.Request) (bare.Answer, int) {
	t.Helper()
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return bare.Answer{ContentType: res.Header.Get("Content-Type"), Body: body}, res.StatusCode
}

// checkAnswer fails t unless the answer is 200 with want's content type and
// bytes.
func checkAnswer(t *testing.T, what string, status int, got, want bare.Answer) {
	t.Helper()
	if status != http.StatusOK || got.ContentType != want.ContentType || !bytes.Equal(got.Body, want.Body) {
		t.Errorf("%s: %d %q %s\nwant 200 %q %s", what, status, got.ContentType, got.Body, want.ContentType, want.Body)
	}
}

// load sends requests made by newReq to url on sideBySideConns connections
// for d, and returns the answers per second and their number. It fails t
// if any answer is not 200 with want's bytes.
func load(t *testing.T, client *http.Client, url string, newReq func(string) *http.Request, want bare.Answer, d time.Duration) (float64, int) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		bad   []string
	)
	t0 := time.Now()
	deadline := t0.Add(d)
	for range sideBySideConns {
		wg.Go(func() {
			n := 0
			var wrong string
			for time.Now().Before(deadline) {
				res, err := client.Do(newReq(url))
				if err != nil {
					wrong = err.Error()
					break
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK || !bytes.Equal(body, want.Body) {
					wrong = fmt.Sprintf("%d %s (%v)", res.StatusCode, body, err)
					break
				}
				n++
			}
			mu.Lock()
			defer mu.Unlock()
			total += n
			if wrong != "" {
				bad = append(bad, wrong)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	if len(bad) > 0 {
		t.Errorf("%s: %d connections got a wrong answer, such as %s", url, len(bad), bad[0])
	}
	if total == 0 {
		t.Errorf("%s: no answer in %s", url, d)
	}
	return float64(total) / elapsed.Seconds(), total
}

// cpuTime returns the CPU time process pid has used (user and system, all
// its threads), from /proc/PID/stat; 0 where there is no /proc. Linux
// counts it in ticks of 10 ms.
func cpuTime(pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: state is the first, utime and stime the 12th and 13th.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return 0
	}
	user, err1 := strconv.ParseInt(f[11], 10, 64)
	system, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(user+system) * 10 * time.Millisecond
}
