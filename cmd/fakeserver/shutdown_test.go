package main_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fixtures"
)

// logLines returns the JSON log lines of p so far.
func logLines(t *testing.T, p *process) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(p.stderr.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestSignalAnswersAScriptedDelay(t *testing.T) {
	t.Parallel()
	scenario := filepath.Join(t.TempDir(), "hold.yaml")
	err := os.WriteFile(scenario, []byte("name: hold\nrules:\n  - match: {api: unleash, method: GET}\n    respond: {delay: 500ms}\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p := start(t, []string{"-addr", "127.0.0.1:0", "-scenario", scenario, "-log-format", "json"}, nil)
	type answer struct {
		status int
		body   string
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, p.url+unleashTokens, nil)
		req.Header.Set("Authorization", fixtures.UnleashToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, string(b), err}
	}()
	// Wait until the delay holds the request.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get(t, p.url+"/_fake/scenarios")
		if strings.Contains(body, `"seen":1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the request never reached the rule: %s", body)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	got := <-answered
	if got.err != nil || got.status != http.StatusOK || !strings.Contains(got.body, `"pats"`) {
		t.Fatalf("request held by the delay: %v %d %.100s; want its answer", got.err, got.status, got.body)
	}
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	// The request is logged, and only then the server says it stopped.
	var order []string
	for _, l := range logLines(t, p) {
		switch {
		case l["msg"] == "request" && l["api"] == "unleash":
			order = append(order, "request")
		case l["msg"] == "fakeserver stopped":
			order = append(order, "stopped")
		}
	}
	if strings.Join(order, ",") != "request,stopped" {
		t.Errorf("log order %v, want the request, then stopped; stderr:\n%s", order, p.stderr)
	}
}

func TestSignalUnderLoadLosesNoAnswer(t *testing.T) {
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0", "-log-format", "json", "-no-rate-limit"}, nil)
	calls := []struct{ method, path, body, auth string }{
		{"GET", unleashTokens, "", fixtures.UnleashToken},
		{"GET", cryptlexTokens, "", "Bearer " + fixtures.CryptlexToken},
		{"POST", "/graphql", viewerQuery, "Bearer " + fixtures.LogScaleToken},
		{"POST", cryptlexTokens, `{"name":"load","scopes":["license:read"]}`, "Bearer " + fixtures.CryptlexToken},
	}
	var answered atomic.Int64
	var wg sync.WaitGroup
	enough := make(chan struct{})
	var once sync.Once
	for g := range 8 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: g%2 == 0}, Timeout: 30 * time.Second}
			for i := 0; ; i++ {
				c := calls[(g+i)%len(calls)]
				req, _ := http.NewRequest(c.method, p.url+c.path, strings.NewReader(c.body))
				req.Header.Set("Authorization", c.auth)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					if strings.Contains(err.Error(), "refused") {
						return // the server is gone
					}
					if strings.Contains(err.Error(), "Timeout") {
						t.Errorf("a request timed out: %v", err)
					}
					continue // a connection closed under it: no answer, a connection error
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					t.Errorf("an answer cut short: %v", err)
					continue
				}
				if answered.Add(1) >= 300 {
					once.Do(func() { close(enough) })
				}
			}
		})
	}
	<-enough
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	logged, afterStop := 0, 0
	stopped := false
	for _, l := range logLines(t, p) {
		switch {
		case l["msg"] == "fakeserver stopped":
			stopped = true
		case l["msg"] == "request" && l["api"] != "admin":
			logged++
			if stopped {
				afterStop++
			}
		}
	}
	t.Logf("%d answers, %d requests logged", answered.Load(), logged)
	if !stopped {
		t.Errorf("no \"fakeserver stopped\" line; stderr tail:\n%s", tail(p.stderr.String(), 5))
	}
	if int64(logged) != answered.Load() || afterStop != 0 {
		t.Errorf("%d requests logged (%d after \"stopped\"), clients got %d answers", logged, afterStop, answered.Load())
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
