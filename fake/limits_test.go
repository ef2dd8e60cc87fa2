package fake_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// latencyFactor is how many times slower, by median, a well-behaved client
// may get while a hostile one runs against the same server. It is generous:
// the hostile load shares the machine's cores with the server, the client
// and other tests. Without the limits, the same loads made it hundreds of
// times slower.
const latencyFactor = 25

// latencySamples is how many requests each median is taken over.
const latencySamples = 101

// medianLatency sends n requests with do, one after the other, and returns
// the median time they took.
func medianLatency(t *testing.T, n int, do func() error) time.Duration {
	t.Helper()
	ds := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := do(); err != nil {
			t.Fatalf("well-behaved client: %v", err)
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[n/2]
}

// checkLatencyKept measures the median latency of normal alone, then again
// while hostile runs (until its context ends), and fails t if the second is
// more than latencyFactor times the first.
func checkLatencyKept(t *testing.T, normal func() error, hostile func(ctx context.Context)) {
	t.Helper()
	_ = normal() // warm the connection
	alone := medianLatency(t, latencySamples, normal)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { hostile(ctx) })
	time.Sleep(200 * time.Millisecond) // let the hostile load build up
	loaded := medianLatency(t, latencySamples, normal)
	cancel()
	wg.Wait()
	t.Logf("median latency: %v alone, %v under the hostile load (%.1fx)", alone, loaded, float64(loaded)/float64(alone))
	if loaded > alone*latencyFactor {
		t.Errorf("median latency %v under the hostile load, %v alone: more than %dx", loaded, alone, latencyFactor)
	}
}

// normalClient returns a request that a well-behaved client repeats: an
// Unleash list on its own kept-alive connection.
func normalClient(srv *fake.Server) func() error {
	client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
	return func() error {
		got, err := send(srv, client, unleashList)
		if err == nil && got.status != http.StatusOK {
			err = fmt.Errorf("status %d", got.status)
		}
		return err
	}
}

// hammer calls fn in a loop from n goroutines until ctx ends. A hostile
// load that needs the CPU uses one goroutine: the tests share a machine of
// two cores with the server and the well-behaved client.
func hammer(ctx context.Context, n int, fn func(ctx context.Context)) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				fn(ctx)
			}
		})
	}
	wg.Wait()
}

// checkRefusal checks that err names the limit and the three ways to raise
// it.
func checkRefusal(t *testing.T, msg, field, flag, env string) {
	t.Helper()
	for _, want := range []string{"fake.Limits{" + field, "-" + flag, env} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not say %q", msg, want)
		}
	}
}

func TestJournalCutsLongPathsAndOperations(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	long := "/x/" + strings.Repeat("é", 2000) // cut between bytes of one character would break UTF-8
	do(t, srv, nil, call{method: "GET", path: long})
	opName := strings.Repeat("Q", 3000)
	do(t, srv, nil, call{method: "POST", path: "/graphql", header: logscaleViewer.header,
		body: `{"operationName":"` + opName + `","query":"query ` + opName + ` { viewer { id } }"}`})
	do(t, srv, nil, unleashList)

	got := srv.Requests(fake.Filter{})
	if len(got) != 3 {
		t.Fatalf("journal has %d entries, want 3", len(got))
	}
	if p := got[0].Path; len(p) > fake.MaxJournalPathBytes || len(p) < fake.MaxJournalPathBytes-1 || !strings.HasPrefix(long, p) || !got[0].Truncated {
		t.Errorf("long path journaled as %d bytes, truncated %v; want its first %d bytes (whole characters), truncated",
			len(p), got[0].Truncated, fake.MaxJournalPathBytes)
	}
	if !got[1].Truncated || slices.Contains(got[1].Operations, opName) || !slices.Contains(got[1].Operations, "viewer") {
		t.Errorf("operations %.80q, truncated %v; want the long operation name dropped, viewer kept, truncated", got[1].Operations, got[1].Truncated)
	}
	if got[2].Truncated {
		t.Errorf("a short request is marked truncated")
	}
	body := do(t, srv, nil, call{method: "GET", path: "/_fake/requests"}).body
	var parsed struct {
		Requests []map[string]any `json:"requests"`
	}
	if err := json.Unmarshal(body, &parsed); err != nil {
		t.Fatal(err)
	}
	if len(parsed.Requests) != 3 || parsed.Requests[0]["truncated"] != true || parsed.Requests[2]["truncated"] != nil {
		t.Errorf("GET /_fake/requests does not mark exactly the cut entries truncated: %.300s", body)
	}
}

func TestJournalBoundedInBytes(t *testing.T) {
	// Not parallel: it measures latency.
	const journalBytes = 256 << 10
	srv := fake.Start(t, fake.WithLimits(fake.Limits{JournalBytes: journalBytes}))
	path := "/x/" + strings.Repeat("a", 200<<10)
	sent := 0
	// One client sends long paths and reads the journal back, as fast as
	// it can (one, so that it does not take every core of the machine
	// by itself).
	checkLatencyKept(t, normalClient(srv), func(ctx context.Context) {
		client := &http.Client{Transport: &http.Transport{}}
		hammer(ctx, 1, func(ctx context.Context) {
			if _, err := sendCtx(ctx, srv, client, call{method: "GET", path: path}); err == nil {
				sent++
			}
			if sent%10 == 0 {
				_, _ = sendCtx(ctx, srv, client, call{method: "GET", path: "/_fake/requests"})
			}
		})
	})
	// Sent one after the other, far more long paths than fit.
	client := &http.Client{Transport: &http.Transport{}}
	const many = 300
	for range many {
		do(t, srv, client, call{method: "GET", path: path[:8<<10]})
	}
	sent += many
	last := call{method: "GET", path: "/last"}
	do(t, srv, nil, last)

	body := do(t, srv, nil, call{method: "GET", path: "/_fake/requests"}).body
	if len(body) > 2*journalBytes {
		t.Errorf("GET /_fake/requests answered %d bytes; the journal is bounded at %d", len(body), journalBytes)
	}
	got := srv.Requests(fake.Filter{})
	long := srv.Requests(fake.Filter{Path: "/x/{rest}"})
	if len(long) == 0 || len(long) >= sent {
		t.Errorf("journal keeps %d of %d long-path requests, want some but not all", len(long), sent)
	}
	for _, r := range long {
		if len(r.Path) != fake.MaxJournalPathBytes || !r.Truncated {
			t.Fatalf("long path kept as %d bytes, truncated %v", len(r.Path), r.Truncated)
		}
	}
	if got[len(got)-1].Path != last.path {
		t.Errorf("newest entry is %.40q, want %q", got[len(got)-1].Path, last.path)
	}
}

func TestJournalEntryLimitStillApplies(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithLimits(fake.Limits{JournalEntries: 3, JournalBytes: -1}))
	for i := range 5 {
		do(t, srv, nil, call{method: "GET", path: fmt.Sprintf("/n/%d", i)})
	}
	var paths []string
	for _, r := range srv.Requests(fake.Filter{}) {
		paths = append(paths, r.Path)
	}
	if want := []string{"/n/2", "/n/3", "/n/4"}; !slices.Equal(paths, want) {
		t.Errorf("journal = %v, want %v", paths, want)
	}
}

// aliasQuery is a LogScale query of n aliases of the tokens list.
func aliasQuery(n int) call {
	var b strings.Builder
	b.WriteString(`{"query":"{`)
	for i := range n {
		fmt.Fprintf(&b, " a%d:tokens(sortBy:Name,limit:1000){results{id name}}", i)
	}
	b.WriteString(` }"}`)
	return call{method: "POST", path: "/graphql", header: logscaleViewer.header, body: b.String()}
}

// graphQLErrors decodes a GraphQL answer that must have errors and no data.
func graphQLErrors(t *testing.T, got response) []string {
	t.Helper()
	if got.status != http.StatusOK || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q; want 200 application/json", got.status, got.header.Get("Content-Type"))
	}
	var body struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("answer %.200s: %v", got.body, err)
	}
	if body.Data != nil || len(body.Errors) == 0 {
		t.Fatalf("answer %.300s, want errors and no data", got.body)
	}
	var msgs []string
	for _, e := range body.Errors {
		msgs = append(msgs, e.Message)
	}
	return msgs
}

func TestGraphQLResultLimitIsExact(t *testing.T) {
	t.Parallel()
	q := call{method: "POST", path: "/graphql", header: logscaleViewer.header,
		body: `{"query":"{ tokens(sortBy: Name, limit: 1000) { results { id name expireAt } } }"}`}
	full := do(t, fake.Start(t), nil, q)
	var data struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(full.body, &data); err != nil || len(data.Data) < 200 {
		t.Fatalf("uncapped answer %.200s: %v", full.body, err)
	}
	size := len(data.Data)

	at := fake.Start(t, fake.WithLimits(fake.Limits{GraphQLResultBytes: size}))
	if got := do(t, at, nil, q); string(got.body) != string(full.body) {
		t.Errorf("a result of exactly the limit is refused: %.200s", got.body)
	}
	under := fake.Start(t, fake.WithLimits(fake.Limits{GraphQLResultBytes: size - 1}))
	msgs := graphQLErrors(t, do(t, under, nil, q))
	if len(msgs) != 1 {
		t.Fatalf("errors %q, want one", msgs)
	}
	checkRefusal(t, msgs[0], "GraphQLResultBytes", "max-graphql-result-bytes", "FAKESERVER_MAX_GRAPHQL_RESULT_BYTES")
	if !strings.Contains(msgs[0], fmt.Sprint(size-1)) {
		t.Errorf("refusal %q does not give the limit %d", msgs[0], size-1)
	}
}

func TestGraphQLResultLimitDoesNotCutMutations(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithLimits(fake.Limits{GraphQLResultBytes: 16}))
	got := do(t, srv, nil, logscaleSystemCreate)
	if !strings.Contains(string(got.body), `"token":"`) {
		t.Errorf("mutation answered %.200s, want its token", got.body)
	}
}

// createLogScaleTokens creates n system tokens, 250 to a request.
func createLogScaleTokens(t *testing.T, srv *fake.Server, n int) {
	t.Helper()
	for done := 0; done < n; {
		var b strings.Builder
		b.WriteString(`{"query":"mutation {`)
		for i := 0; i < 250 && done < n; i, done = i+1, done+1 {
			fmt.Fprintf(&b, ` c%d: createSystemPermissionsTokenV2(input: {name: \"load %d\", systemPermissions: [ReadHealthCheck]}) { token }`, i, done)
		}
		b.WriteString(` }"}`)
		got := do(t, srv, nil, call{method: "POST", path: "/graphql", header: logscaleViewer.header, body: b.String()})
		if strings.Contains(string(got.body), `"errors"`) {
			t.Fatalf("create tokens: %.300s", got.body)
		}
	}
}

func TestGraphQLResultLimitRefusesFast(t *testing.T) {
	// Not parallel: it measures latency.
	const limit = 256 << 10
	srv := fake.Start(t, fake.WithLimits(fake.Limits{GraphQLResultBytes: limit}))
	createLogScaleTokens(t, srv, 1000)
	hostile := aliasQuery(1100)
	msgs := graphQLErrors(t, do(t, srv, nil, hostile))
	checkRefusal(t, msgs[0], "GraphQLResultBytes", "max-graphql-result-bytes", "FAKESERVER_MAX_GRAPHQL_RESULT_BYTES")

	// The refusal comes before the result is built: building it all takes
	// about forty times as long as answering a fortieth of it, and the
	// refusal takes less than a quarter of that. The margin leaves room for
	// a noisy machine; a refusal that waits for the whole result fails it.
	part := aliasQuery(28)
	unlimited := fake.Start(t, fake.WithLimits(fake.Limits{GraphQLResultBytes: -1}))
	createLogScaleTokens(t, unlimited, 1000)
	refused := medianLatency(t, 3, func() error { _, err := send(srv, nil, hostile); return err })
	answered := medianLatency(t, 1, func() error {
		got, err := send(unlimited, nil, part)
		if err == nil && len(got.body) < 28*1000*20 {
			err = fmt.Errorf("answer of %d bytes, want the whole result", len(got.body))
		}
		return err
	})
	t.Logf("median: refused in %v; a fortieth of the query answered in %v", refused, answered)
	if refused > 10*answered {
		t.Errorf("the refusal took %v, a fortieth of the query answered in full %v: the refusal is not early", refused, answered)
	}

	checkLatencyKept(t, normalClient(srv), func(ctx context.Context) {
		hammer(ctx, 1, func(ctx context.Context) { _, _ = sendCtx(ctx, srv, nil, hostile) })
	})
}

func TestSlowHeadersAreCut(t *testing.T) {
	// Not parallel: it measures latency.
	srv := fake.Start(t, fake.WithLimits(fake.Limits{ReadHeaderTimeout: 300 * time.Millisecond}))
	addr := strings.TrimPrefix(srv.URL(), "http://")
	const slow = 100
	closed := make(chan error, slow)
	checkLatencyKept(t, normalClient(srv), func(ctx context.Context) {
		var wg sync.WaitGroup
		for range slow {
			wg.Go(func() {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					closed <- err
					return
				}
				defer conn.Close()
				_, _ = io.WriteString(conn, "GET /api/admin/user/tokens HTTP/1.1\r\nHost: fake\r\n")
				// Trickle a header line every 50ms until the server
				// closes the connection (or 20s pass: it never did).
				deadline := time.Now().Add(20 * time.Second)
				for time.Now().Before(deadline) {
					if _, err := io.WriteString(conn, "X-Slow: 1\r\n"); err != nil {
						closed <- nil
						return
					}
					_ = conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
					if _, err := conn.Read(make([]byte, 1)); err != nil && !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
						closed <- nil
						return
					}
				}
				closed <- errors.New("a connection trickling its headers was never closed")
			})
		}
		<-ctx.Done()
		wg.Wait()
	})
	for range slow {
		if err := <-closed; err != nil {
			t.Fatal(err)
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestIdleConnectionsAreClosed(t *testing.T) {
	// Not parallel: it measures latency.
	srv := fake.Start(t, fake.WithLimits(fake.Limits{IdleTimeout: 200 * time.Millisecond}))
	addr := strings.TrimPrefix(srv.URL(), "http://")
	var mu sync.Mutex
	var idled int
	var errs []error
	// Each connection sends one request, then idles until the server
	// closes it (or 20s pass: it never did).
	idle := func() error {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		req := "GET /api/admin/user/tokens HTTP/1.1\r\nHost: fake\r\nAuthorization: " + fixtures.UnleashToken + "\r\n\r\n"
		if _, err := io.WriteString(conn, req); err != nil {
			return err
		}
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, err := br.ReadByte(); isTimeout(err) {
			return errors.New("an idle connection was never closed")
		}
		return nil
	}
	checkLatencyKept(t, normalClient(srv), func(ctx context.Context) {
		hammer(ctx, 100, func(context.Context) {
			err := idle()
			mu.Lock()
			defer mu.Unlock()
			idled++
			if err != nil {
				errs = append(errs, err)
			}
		})
	})
	if idled < 100 || len(errs) > 0 {
		t.Fatalf("%d idle connections, errors: %v", idled, errs)
	}
}

func TestConnectionLimit(t *testing.T) {
	// Not parallel: it measures latency.
	const limit = 20
	srv := fake.Start(t, fake.WithLimits(fake.Limits{Connections: limit}))
	addr := strings.TrimPrefix(srv.URL(), "http://")
	normal := normalClient(srv)
	if err := normal(); err != nil { // holds one connection, kept alive
		t.Fatal(err)
	}
	var held []net.Conn
	for range limit - 1 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		// A request answered shows the connection was accepted.
		if _, err := io.WriteString(c, "GET /_fake/health HTTP/1.1\r\nHost: fake\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("connection within the limit: %v", err)
		}
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()

	refused := func() (*http.Response, string, error) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return nil, "", err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.WriteString(c, "GET /_fake/health HTTP/1.1\r\nHost: fake\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return nil, "", err
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), nil
	}
	resp, body, err := refused()
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("connection past the limit: %v, %v; want 503", resp, err)
	}
	checkRefusal(t, body, "Connections", "max-connections", "FAKESERVER_MAX_CONNECTIONS")

	checkLatencyKept(t, normal, func(ctx context.Context) {
		hammer(ctx, 1, func(context.Context) { _, _, _ = refused() })
	})

	// A connection closed frees its place.
	held[0].Close()
	held = held[1:]
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, "GET /_fake/health HTTP/1.1\r\nHost: fake\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil && resp.StatusCode == http.StatusOK {
			held = append(held, c)
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("a closed connection never freed its place")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRuleLimit(t *testing.T) {
	// Not parallel: it measures latency.
	const limit = 50
	srv := fake.Start(t, fake.WithLimits(fake.Limits{Rules: limit}))
	miss := func(n int) []fake.Rule {
		rules := make([]fake.Rule, n)
		for i := range rules {
			rules[i] = fake.Rule{Match: fake.Match{API: fake.APICryptlex, Path: fmt.Sprintf("/v3/never/%d", i)},
				Respond: fake.Response{Status: 500}}
		}
		return rules
	}
	script(t, srv, miss(limit-1)...)

	err := srv.Script(miss(2)...)
	var le *fake.LimitError
	if !errors.As(err, &le) || le.Limit != "Rules" || le.Max != limit {
		t.Fatalf("Script past the limit: %v, want a *LimitError for Rules", err)
	}
	checkRefusal(t, err.Error(), "Rules", "max-rules", "FAKESERVER_MAX_RULES")
	twoRules := []byte("name: two\nrules:\n  - {match: {api: unleash}, respond: {status: 500}}\n  - {match: {api: unleash}, respond: {status: 500}}\n")
	if err := srv.LoadScenarioData(twoRules); !errors.As(err, &le) {
		t.Fatalf("LoadScenarioData past the limit: %v, want a *LimitError", err)
	}
	got := do(t, srv, nil, call{method: "POST", path: "/_fake/scenarios", body: string(twoRules)})
	if got.status != http.StatusConflict || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("POST /_fake/scenarios past the limit: %d %s, want 409 JSON", got.status, got.body)
	}
	var adminErr struct{ Error string }
	if err := json.Unmarshal(got.body, &adminErr); err != nil {
		t.Fatal(err)
	}
	checkRefusal(t, adminErr.Error, "Rules", "max-rules", "FAKESERVER_MAX_RULES")
	if n := len(activeRules(t, srv)); n != limit-1 {
		t.Fatalf("%d rules loaded after the refusals, want %d", n, limit-1)
	}
	script(t, srv, miss(1)...) // up to the limit is fine

	// With the default limit full, a request costs about what it costs
	// without rules, while a client hammers the admin API with more.
	full := fake.Start(t)
	script(t, full, miss(fake.DefaultLimits().Rules)...)
	empty := fake.Start(t)
	normalFull, normalEmpty := normalClient(full), normalClient(empty)
	_ = normalEmpty()
	_ = normalFull()
	without := medianLatency(t, latencySamples, normalEmpty)
	checkLatencyKept(t, normalFull, func(ctx context.Context) {
		hammer(ctx, 1, func(ctx context.Context) {
			_, _ = sendCtx(ctx, full, nil, call{method: "POST", path: "/_fake/scenarios", body: string(twoRules)})
		})
	})
	with := medianLatency(t, latencySamples, normalFull)
	t.Logf("median latency: %v without rules, %v with %d", without, with, fake.DefaultLimits().Rules)
	if with > without*latencyFactor {
		t.Errorf("median latency %v with the rules at their limit, %v without: more than %dx", with, without, latencyFactor)
	}
}

func TestTokenLimits(t *testing.T) {
	// Not parallel: it measures latency.
	tests := []struct {
		name          string
		limits        fake.Limits
		create        func(i int) call
		list          call
		wantStatus    int
		wantType      string
		field, flag   string
		env           string
		messageOf     func(t *testing.T, body []byte) string
		createdStatus int
	}{
		{
			name:   "logscale",
			limits: fake.Limits{LogScaleTokens: 11}, // 9 in the fixtures
			create: func(i int) call {
				return call{method: "POST", path: "/graphql", header: logscaleViewer.header,
					body: fmt.Sprintf(`{"query":"mutation { createSystemPermissionsTokenV2(input: {name: \"n%d\", systemPermissions: [ReadHealthCheck]}) { token } }"}`, i)}
			},
			list:       logscaleTokens,
			wantStatus: http.StatusOK, wantType: "application/json", createdStatus: http.StatusOK,
			field: "LogScaleTokens", flag: "max-logscale-tokens", env: "FAKESERVER_MAX_LOGSCALE_TOKENS",
			messageOf: func(t *testing.T, body []byte) string {
				var b struct {
					Data   map[string]any
					Errors []struct{ Message string }
				}
				if err := json.Unmarshal(body, &b); err != nil || len(b.Errors) != 1 {
					t.Fatalf("answer %s: want one GraphQL error", body)
				}
				return b.Errors[0].Message
			},
		},
		{
			name:   "unleash",
			limits: fake.Limits{UnleashPATs: 5}, // 3 in the fixtures
			create: func(i int) call { return unleashCreate(fmt.Sprintf("n%d", i)) },
			list:   unleashList, wantStatus: http.StatusForbidden, wantType: "application/json; charset=utf-8",
			createdStatus: http.StatusCreated,
			field:         "UnleashPATs", flag: "max-unleash-pats", env: "FAKESERVER_MAX_UNLEASH_PATS",
			messageOf: func(t *testing.T, body []byte) string {
				var b struct{ Name, Message string }
				if err := json.Unmarshal(body, &b); err != nil || b.Name != "OperationDeniedError" {
					t.Fatalf("answer %s: want an OperationDeniedError", body)
				}
				return b.Message
			},
		},
		{
			name:   "cryptlex",
			limits: fake.Limits{CryptlexPATs: 6}, // 4 in the fixtures
			create: func(i int) call { return cryptlexCreate(fmt.Sprintf("n%d", i)) },
			list:   cryptlexList, wantStatus: http.StatusBadRequest, wantType: "application/json; charset=utf-8",
			createdStatus: http.StatusCreated,
			field:         "CryptlexPATs", flag: "max-cryptlex-pats", env: "FAKESERVER_MAX_CRYPTLEX_PATS",
			messageOf: func(t *testing.T, body []byte) string {
				var b struct{ Message, Code string }
				if err := json.Unmarshal(body, &b); err != nil || b.Code != "BadRequest" {
					t.Fatalf("answer %s: want code BadRequest", body)
				}
				return b.Message
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fake.Start(t, fake.WithLimits(tt.limits), fake.WithoutCryptlexRateLimit())
			for i := range 2 {
				if got := do(t, srv, nil, tt.create(i)); got.status != tt.createdStatus || strings.Contains(string(got.body), `"errors"`) {
					t.Fatalf("create %d within the limit: %d %s", i, got.status, got.body)
				}
			}
			before := do(t, srv, nil, tt.list).body
			got := do(t, srv, nil, tt.create(99))
			if got.status != tt.wantStatus || got.header.Get("Content-Type") != tt.wantType {
				t.Fatalf("create past the limit: %d %q %s; want %d %q", got.status, got.header.Get("Content-Type"), got.body, tt.wantStatus, tt.wantType)
			}
			checkRefusal(t, tt.messageOf(t, got.body), tt.field, tt.flag, tt.env)
			if after := do(t, srv, nil, tt.list).body; !jsonEqual(t, withoutUse(t, before), withoutUse(t, after)) {
				t.Errorf("the refusal changed the list:\n%s\n%s", before, after)
			}
			checkLatencyKept(t, normalClient(srv), func(ctx context.Context) {
				hammer(ctx, 1, func(ctx context.Context) { _, _ = sendCtx(ctx, srv, nil, tt.create(99)) })
			})
		})
	}
}

// withoutUse drops the fields that say when a token was last used, which
// the listing itself changes.
func withoutUse(t *testing.T, body []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	var drop func(any)
	drop = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "lastUsedAt")
			delete(x, "seenAt")
			for _, e := range x {
				drop(e)
			}
		case []any:
			for _, e := range x {
				drop(e)
			}
		}
	}
	drop(v)
	out, _ := json.Marshal(v)
	return out
}
