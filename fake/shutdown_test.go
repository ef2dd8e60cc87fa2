package fake_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake"
)

// delayUnleashList scripts a delay on the Unleash list, named "hold".
func delayUnleashList(t *testing.T, srv *fake.Server, d time.Duration) {
	t.Helper()
	script(t, srv, fake.Rule{Name: "hold", Match: fake.Match{API: fake.APIUnleash, Method: "GET"},
		Respond: fake.Response{Delay: d}})
}

// inFlight sends c in the background; the answer arrives on the channel.
func inFlight(srv *fake.Server, c call) <-chan result {
	out := make(chan result, 1)
	go func() {
		resp, err := send(srv, freshClient(), c)
		out <- result{resp, err}
	}()
	return out
}

type result struct {
	resp response
	err  error
}

func TestShutdownAnswersADelayedRequest(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	delayUnleashList(t, srv, 300*time.Millisecond)
	answer := inFlight(srv, unleashList)
	waitSeen(t, srv, "hold", 1)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	got := <-answer
	if got.err != nil || got.resp.status != http.StatusOK || !strings.Contains(string(got.resp.body), `"pats"`) {
		t.Fatalf("delayed request: %v %d %.100s; want its answer", got.err, got.resp.status, got.resp.body)
	}
	if n := srv.Count(fake.Filter{Rule: "hold", Status: http.StatusOK}); n != 1 {
		t.Errorf("journal has %d answered delayed requests, want 1", n)
	}
}

func TestShutdownCutsADelayPastItsContext(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	const delay = time.Minute
	delayUnleashList(t, srv, delay)
	answer := inFlight(srv, unleashList)
	waitSeen(t, srv, "hold", 1)

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took >= delay {
		t.Fatalf("Shutdown took %v: it waited for the whole delay", took)
	}
	if got := <-answer; got.err == nil {
		t.Fatalf("the cut request was answered %d", got.resp.status)
	}
	if n := srv.Count(fake.Filter{Status: http.StatusOK}); n != 0 {
		t.Errorf("journal has %d answered requests, want none", n)
	}
}

func TestShutdownRefusesNewConnections(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	delayUnleashList(t, srv, 500*time.Millisecond)
	answer := inFlight(srv, unleashList)
	waitSeen(t, srv, "hold", 1)

	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(context.Background()) }()
	addr := strings.TrimPrefix(srv.URL(), "http://")
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Shutdown has started once the listener is gone; from then on,
		// every new connection is refused.
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections still accepted 10s after Shutdown started")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-done:
		t.Fatal("Shutdown returned before the delayed request was answered")
	default:
	}
	for range 20 {
		if conn, err := net.Dial("tcp", addr); err == nil {
			conn.Close()
			t.Fatal("a new connection was accepted during Shutdown")
		}
	}
	if got := <-answer; got.err != nil || got.resp.status != http.StatusOK {
		t.Fatalf("request in flight: %v %d, want its answer", got.err, got.resp.status)
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestShutdownUnderLoadLosesNoAnswer(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithoutCryptlexRateLimit())
	delay := 20 * time.Millisecond
	script(t, srv, fake.Rule{Name: "slow-create", Match: fake.Match{API: fake.APICryptlex, Method: "POST"},
		Respond: fake.Response{Delay: delay}})

	var answered, failed atomic.Int64
	var wg sync.WaitGroup
	calls := []call{unleashList, cryptlexList, logscaleViewer, cryptlexCreate("load")}
	started := make(chan struct{})
	var once sync.Once
	for g := range 8 {
		wg.Go(func() {
			// Half the clients keep their connections alive, half do not.
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: g%2 == 0}, Timeout: 30 * time.Second}
			for i := 0; ; i++ {
				got, err := send(srv, client, calls[(g+i)%len(calls)])
				if err != nil {
					failed.Add(1)
					if isTimeout(err) {
						t.Errorf("a request timed out: %v", err)
					}
					if strings.Contains(err.Error(), "refused") {
						return
					}
					continue
				}
				if got.status == 0 {
					t.Errorf("an answer without a status")
				}
				answered.Add(1)
				if answered.Load() >= 200 {
					once.Do(func() { close(started) })
				}
			}
		})
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	wg.Wait()
	journaled := srv.Count(fake.Filter{})
	t.Logf("%d answered, %d connection errors, %d journaled", answered.Load(), failed.Load(), journaled)
	if int64(journaled) != answered.Load() {
		t.Errorf("journal has %d requests, clients got %d answers", journaled, answered.Load())
	}
}
