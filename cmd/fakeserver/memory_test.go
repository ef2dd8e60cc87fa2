package main_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fixtures"
)

// checkResidentReturns fails t unless the resident size of p, grown by
// grow (by at least minGrowth MiB), gives back at least half of that growth
// within seconds of release. (Without a release, none of it comes back
// within the 20 seconds the test waits.)
func checkResidentReturns(t *testing.T, p *process, minGrowth float64, grow, release func()) {
	t.Helper()
	pid := p.cmd.Process.Pid
	get(t, p.url+"/_fake/health")
	idle := residentMiB(t, pid)
	grow()
	full := residentMiB(t, pid)
	if full < idle+minGrowth {
		t.Fatalf("resident size %.0f MiB idle, %.0f MiB grown: too little growth to see it return", idle, full)
	}
	release()
	// The memory goes back to the system in the background: wait for it,
	// up to a bound far beyond what it takes.
	target := idle + (full-idle)/2
	deadline := time.Now().Add(20 * time.Second)
	for {
		now := residentMiB(t, pid)
		if now <= target {
			t.Logf("resident size: %.0f MiB idle, %.0f MiB grown, %.0f MiB after release", idle, full, now)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("resident size %.0f MiB 20s after release; %.0f MiB idle, %.0f MiB grown", now, idle, full)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestMemoryReturnsAfterClearingTheJournal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the resident size from /proc")
	}
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0", "-journal-limit", "100000", "-journal-bytes", "24MiB"}, nil)
	checkResidentReturns(t, p, 16, func() {
		path := "/x/" + strings.Repeat("a", 1024)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				client := &http.Client{Transport: &http.Transport{}}
				for i := w; i < 20000; i += 8 {
					resp, err := client.Get(fmt.Sprintf("%s%s/%d", p.url, path, i))
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
				}
			})
		}
		wg.Wait()
	}, func() {
		if status, body := do(t, http.MethodDelete, p.url+"/_fake/requests", "", ""); status != http.StatusOK {
			t.Fatalf("DELETE /_fake/requests: %d %s", status, body)
		}
	})
}

func TestMemoryReturnsAfterReset(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the resident size from /proc")
	}
	t.Parallel()
	p := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	checkResidentReturns(t, p, 8, func() {
		// Nearly as many LogScale tokens as the limit allows.
		for r := range 39 {
			var b strings.Builder
			b.WriteString(`{"query":"mutation {`)
			for i := range 250 {
				fmt.Fprintf(&b, ` c%d: createSystemPermissionsTokenV2(input: {name: \"load %d %d\", systemPermissions: [ReadHealthCheck]}) { token }`, i, r, i)
			}
			b.WriteString(` }"}`)
			status, body := do(t, http.MethodPost, p.url+"/graphql", "application/json", b.String(), "Authorization", "Bearer "+fixtures.LogScaleToken)
			if status != http.StatusOK || strings.Contains(body, `"errors"`) {
				t.Fatalf("create tokens: %d %.300s", status, body)
			}
		}
	}, func() {
		if status, body := do(t, http.MethodPost, p.url+"/_fake/reset", "", ""); status != http.StatusOK {
			t.Fatalf("POST /_fake/reset: %d %s", status, body)
		}
	})
}
