package fakecontainer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"

	"github.com/tokenfake/tokenfake/fake/fakecontainer"
	"github.com/tokenfake/tokenfake/fixtures"
)

// requireDocker, when "1", turns a missing Docker engine from a skip into
// a failure (CI sets it).
const requireDocker = "TOKENFAKE_REQUIRE_DOCKER"

// testImage is the image built from this repository, once per test binary.
var testImage struct {
	once      sync.Once
	tag       string
	dockerErr error // no usable Docker engine
	buildErr  error
}

func TestMain(m *testing.M) {
	configureTestcontainers()
	code := m.Run()
	if testImage.tag != "" && testImage.buildErr == nil {
		removeImage(testImage.tag)
	}
	os.Exit(code)
}

// configureTestcontainers makes a clean clone's tests work without a
// registry, unless the environment says otherwise: the reaper (Ryuk) image
// cannot be pulled, and every test here terminates its own containers; and
// when this process runs inside a container next to its own Docker engine,
// published ports are on loopback, not behind the default gateway where
// testcontainers looks for them.
func configureTestcontainers() {
	if _, ok := os.LookupEnv("TESTCONTAINERS_RYUK_DISABLED"); !ok {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	if _, ok := os.LookupEnv("TESTCONTAINERS_HOST_OVERRIDE"); ok {
		return
	}
	if _, err := os.Stat("/.dockerenv"); err != nil {
		return
	}
	comms, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, c := range comms {
		if b, err := os.ReadFile(c); err == nil && strings.TrimSpace(string(b)) == "dockerd" {
			os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
			return
		}
	}
}

// image returns the tag of the fakeserver image built from this
// repository. Without a Docker engine the test is skipped, or fails when
// TOKENFAKE_REQUIRE_DOCKER=1.
func image(t testing.TB) string {
	t.Helper()
	testImage.once.Do(func() {
		// A first build with empty Go caches compiles every dependency.
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		if testImage.dockerErr = dockerHealth(ctx); testImage.dockerErr != nil {
			return
		}
		testImage.tag = fmt.Sprintf("tokenfake/fakeserver:test-%d-%d", os.Getpid(), time.Now().UnixNano())
		testImage.buildErr = fakecontainer.BuildImage(ctx, filepath.Join("..", ".."), testImage.tag, nil)
	})
	if err := testImage.dockerErr; err != nil {
		if os.Getenv(requireDocker) == "1" {
			t.Fatalf("no usable Docker engine, and %s=1: %v", requireDocker, err)
		}
		t.Skipf("container tests skipped: no usable Docker engine (%v); set %s=1 to fail instead", err, requireDocker)
	}
	if testImage.buildErr != nil {
		t.Fatal(testImage.buildErr)
	}
	return testImage.tag
}

// dockerHealth reports whether a Docker engine answers.
func dockerHealth(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("testcontainers: %v", r)
		}
	}()
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return err
	}
	return p.Health(ctx)
}

func removeImage(tag string) {
	p, err := testcontainers.NewDockerProvider()
	if err != nil {
		return
	}
	defer p.Close()
	_, _ = p.Client().ImageRemove(context.Background(), tag, client.ImageRemoveOptions{Force: true, PruneChildren: true})
}

// run starts a container from the test image, terminated at the end of the
// test, and returns it with its base URL.
func run(t *testing.T, opts ...testcontainers.ContainerCustomizer) (*fakecontainer.Container, string) {
	t.Helper()
	ctx := t.Context()
	ctr, err := fakecontainer.Run(ctx, image(t), opts...)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	url, err := ctr.URL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ctr, url
}

// call sends a request with an optional Authorization header and JSON body
// and returns the status and body.
func call(t *testing.T, method, url, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp.StatusCode, string(b)
}

// decode unmarshals body into v.
func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
}

const (
	unleashTokens  = "/api/admin/user/tokens"
	cryptlexTokens = "/v3/personal-access-tokens"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	ctr, url := run(t)
	status, body := call(t, http.MethodGet, url+fakecontainer.HealthPath, "", "")
	if status != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", fakecontainer.HealthPath, status, body)
	}
	var got map[string]any
	decode(t, body, &got)
	if diff := cmp.Diff(map[string]any{"status": "ok"}, got); diff != "" {
		t.Errorf("health body (-want +got):\n%s", diff)
	}
	// Docker's own health check runs the binary in the container.
	deadline := time.Now().Add(15 * time.Second)
	for {
		state, err := ctr.State(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if state.Health != nil && state.Health.Status == "healthy" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Docker health status %+v after 15s, want healthy", state.Health)
		}
		time.Sleep(200 * time.Millisecond)
	}
	inspect, err := ctr.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if user := inspect.Config.User; user != "65532:65532" {
		t.Errorf("container user = %q, want 65532:65532", user)
	}
}

// graphql posts a GraphQL query with token and returns the decoded data,
// failing on errors.
func graphql(t *testing.T, url, token, query string) map[string]any {
	t.Helper()
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	status, resp := call(t, http.MethodPost, url+"/graphql", "Bearer "+token, string(body))
	if status != http.StatusOK {
		t.Fatalf("POST /graphql %s = %d %s, want 200", query, status, resp)
	}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	decode(t, resp, &out)
	if len(out.Errors) > 0 {
		t.Fatalf("POST /graphql %s: errors %v", query, out.Errors)
	}
	return out.Data
}

func TestLogScaleFlow(t *testing.T) {
	t.Parallel()
	_, url := run(t)
	data := graphql(t, url, fixtures.LogScaleToken,
		`mutation { createPersonalUserTokenV2(input: {expireAt: null}) { token tokenMetadata { name } } }`)
	created, _ := data["createPersonalUserTokenV2"].(map[string]any)
	token, _ := created["token"].(string)
	if id, secret, ok := strings.Cut(token, "~"); !ok || id == "" || secret == "" {
		t.Fatalf("created token %q, want <id>~<secret>", token)
	}
	viewer := graphql(t, url, token, `{ viewer { username } }`)
	if diff := cmp.Diff(map[string]any{"viewer": map[string]any{"username": "admin"}}, viewer); diff != "" {
		t.Errorf("viewer with the new token (-want +got):\n%s", diff)
	}
	status, body := call(t, http.MethodPost, url+"/graphql", "Bearer "+token+"x", `{"query":"{ viewer { username } }"}`)
	if status != http.StatusUnauthorized || body != "The supplied authentication is invalid" {
		t.Errorf("unknown token: %d %q, want 401 The supplied authentication is invalid", status, body)
	}
}

// unleashPAT is an Unleash personal access token as the API returns it.
type unleashPAT struct {
	ID          int    `json:"id"`
	Secret      string `json:"secret"`
	Description string `json:"description"`
	CreatedAt   string `json:"createdAt"`
}

// createUnleashPAT creates a PAT with the fixture token.
func createUnleashPAT(t *testing.T, url, description string) unleashPAT {
	t.Helper()
	status, body := call(t, http.MethodPost, url+unleashTokens, fixtures.UnleashToken,
		fmt.Sprintf(`{"description":%q,"expiresAt":"2099-01-01T00:00:00.000Z"}`, description))
	if status != http.StatusCreated {
		t.Fatalf("create Unleash PAT = %d %s, want 201", status, body)
	}
	var pat unleashPAT
	decode(t, body, &pat)
	return pat
}

// unleashDescriptions lists the caller's PAT descriptions, or returns the
// status when it is not 200.
func unleashDescriptions(t *testing.T, url, token string) ([]string, int) {
	t.Helper()
	status, body := call(t, http.MethodGet, url+unleashTokens, token, "")
	if status != http.StatusOK {
		return nil, status
	}
	var list struct{ PATs []unleashPAT }
	decode(t, body, &list)
	var out []string
	for _, p := range list.PATs {
		if p.Secret != "" {
			t.Errorf("listed PAT %d shows its secret", p.ID)
		}
		out = append(out, p.Description)
	}
	return out, status
}

func TestUnleashFlow(t *testing.T) {
	t.Parallel()
	_, url := run(t)
	pat := createUnleashPAT(t, url, "from the container test")
	if !strings.HasPrefix(pat.Secret, "user:") {
		t.Fatalf("secret %q, want user:<hex>", pat.Secret)
	}
	// The new secret authenticates as the same user: it sees its own PAT.
	got, status := unleashDescriptions(t, url, pat.Secret)
	if status != http.StatusOK || !contains(got, pat.Description) {
		t.Fatalf("list with the new PAT = %d %v, want 200 with %q", status, got, pat.Description)
	}
	if status, body := call(t, http.MethodDelete, fmt.Sprintf("%s%s/%d", url, unleashTokens, pat.ID), fixtures.UnleashToken, ""); status != http.StatusOK {
		t.Fatalf("delete = %d %s, want 200", status, body)
	}
	if _, status := unleashDescriptions(t, url, pat.Secret); status != http.StatusUnauthorized {
		t.Errorf("list with the deleted PAT = %d, want 401", status)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestCryptlexFlow(t *testing.T) {
	t.Parallel()
	_, url := run(t, fakecontainer.WithoutCryptlexRateLimit())
	status, body := call(t, http.MethodPost, url+cryptlexTokens, "Bearer "+fixtures.CryptlexToken,
		`{"name":"container-test","scopes":["personalAccessToken:write","license:read"]}`)
	if status != http.StatusCreated {
		t.Fatalf("create = %d %s, want 201", status, body)
	}
	var created struct{ AccessToken string }
	decode(t, body, &created)
	if strings.Count(created.AccessToken, ".") != 2 {
		t.Fatalf("accessToken %q, want a JWT", created.AccessToken)
	}
	status, body = call(t, http.MethodGet, url+cryptlexTokens, "Bearer "+created.AccessToken, "")
	if status != http.StatusOK {
		t.Fatalf("list with the new token = %d %s, want 200", status, body)
	}
	var list []struct {
		ID   string
		Name string
	}
	decode(t, body, &list)
	var id string
	for _, p := range list {
		if p.Name == "container-test" {
			id = p.ID
		}
	}
	if id == "" {
		t.Fatalf("list %s lacks the new token", body)
	}
	status, body = call(t, http.MethodPatch, url+cryptlexTokens+"/"+id, "Bearer "+fixtures.CryptlexToken, `{"revoked":true}`)
	if status != http.StatusOK {
		t.Fatalf("revoke = %d %s, want 200", status, body)
	}
	if status, body := call(t, http.MethodGet, url+cryptlexTokens, "Bearer "+created.AccessToken, ""); status != http.StatusUnauthorized {
		t.Errorf("list with the revoked token = %d %s, want 401", status, body)
	}
}

// unleashStatuses sends n GETs of the fixture user's Unleash PATs.
func unleashStatuses(t *testing.T, url string, n int) []int {
	t.Helper()
	var got []int
	for range n {
		status, _ := call(t, http.MethodGet, url+unleashTokens, fixtures.UnleashToken, "")
		got = append(got, status)
	}
	return got
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "conflict.yaml")
	const scenario = "name: conflict\nrules:\n  - {match: {api: unleash, method: GET}, times: 2, respond: {status: 409}}\n"
	if err := os.WriteFile(file, []byte(scenario), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("activated through the admin API", func(t *testing.T) {
		t.Parallel()
		ctr, url := run(t)
		if err := ctr.ActivateScenario(t.Context(), "server-errors"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{500, 502, 503, 200}, unleashStatuses(t, url, 4)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
		if err := ctr.ActivateScenario(t.Context(), "no-such-scenario"); err == nil {
			t.Error("ActivateScenario(no-such-scenario) succeeded, want an error")
		}
	})
	t.Run("Reset brings the start-up scenario back before one activated later", func(t *testing.T) {
		t.Parallel()
		ctr, url := run(t, fakecontainer.WithScenario("rate-limit"))
		unleashStatuses(t, url, 1)
		if err := ctr.Reset(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := ctr.ActivateScenario(t.Context(), "server-errors"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{429, 429, 500, 502, 503, 200}, unleashStatuses(t, url, 6)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	})
	t.Run("given at start, file then built-in", func(t *testing.T) {
		t.Parallel()
		_, url := run(t, fakecontainer.WithScenario(file), fakecontainer.WithScenario("auth-failures"))
		if diff := cmp.Diff([]int{409, 409, 401, 403, 200}, unleashStatuses(t, url, 5)); diff != "" {
			t.Errorf("statuses (-want +got):\n%s", diff)
		}
	})
}

func TestReset(t *testing.T) {
	t.Parallel()
	for _, token := range []string{"", "s3cret"} {
		t.Run("admin token "+token, func(t *testing.T) {
			t.Parallel()
			var opts []testcontainers.ContainerCustomizer
			if token != "" {
				opts = append(opts, fakecontainer.WithAdminToken(token))
			}
			ctr, url := run(t, opts...)
			pat := createUnleashPAT(t, url, "forgotten by reset")
			if token != "" {
				if status, body := call(t, http.MethodPost, url+"/_fake/reset", "", ""); status != http.StatusUnauthorized {
					t.Errorf("reset without the admin token = %d %s, want 401", status, body)
				}
			}
			if err := ctr.Reset(t.Context()); err != nil {
				t.Fatal(err)
			}
			if _, status := unleashDescriptions(t, url, pat.Secret); status != http.StatusUnauthorized {
				t.Errorf("PAT created before reset: list = %d, want 401", status)
			}
			got, _ := unleashDescriptions(t, url, fixtures.UnleashToken)
			if contains(got, pat.Description) {
				t.Errorf("after reset the list %v still has %q", got, pat.Description)
			}
		})
	}
}

func TestFixturesAndSeed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "fixtures", "unleash.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Private on the host: the module makes it readable in the container.
	if err := os.WriteFile(filepath.Join(dir, "unleash.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	opts := []testcontainers.ContainerCustomizer{
		fakecontainer.WithFixtures(dir), fakecontainer.WithSeed(42),
		fakecontainer.WithTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)),
	}
	_, a := run(t, opts...)
	_, b := run(t, opts...)
	if status, body := call(t, http.MethodGet, a+cryptlexTokens, "Bearer "+fixtures.CryptlexToken, ""); status != http.StatusUnauthorized {
		t.Errorf("Cryptlex without its fixture file = %d %s, want 401", status, body)
	}
	patA, patB := createUnleashPAT(t, a, "seeded"), createUnleashPAT(t, b, "seeded")
	if diff := cmp.Diff(patA, patB); diff != "" {
		t.Errorf("same seed, different PATs (-a +b):\n%s", diff)
	}
	if patA.CreatedAt != "2030-01-01T00:00:00.000Z" {
		t.Errorf("createdAt = %q, want the WithTime given", patA.CreatedAt)
	}
}

func TestServerRefusesToStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "unleash.json"), []byte(`{"pats": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctr, err := fakecontainer.Run(t.Context(), image(t), fakecontainer.WithFixtures(dir))
	testcontainers.CleanupContainer(t, ctr)
	if err == nil {
		t.Fatal("Run with a malformed fixture file succeeded")
	}
	if ctr == nil {
		t.Error("Run returned no container to clean up")
	}
	for _, want := range []string{"run fakeserver: ", "unleash.json"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// An image that was never built is looked up in a registry; the error says
// to build it.
func TestRunUnbuiltImage(t *testing.T) {
	t.Parallel()
	if err := dockerHealth(t.Context()); err != nil {
		if os.Getenv(requireDocker) == "1" {
			t.Fatalf("no usable Docker engine, and %s=1: %v", requireDocker, err)
		}
		t.Skipf("no usable Docker engine: %v", err)
	}
	ctr, err := fakecontainer.Run(t.Context(), "tokenfake/never-built:"+strconv.Itoa(os.Getpid()))
	testcontainers.CleanupContainer(t, ctr)
	if err == nil || !strings.Contains(err.Error(), "build it first with fakecontainer.BuildImage") {
		t.Errorf("Run error = %v, want it to say to build the image", err)
	}
}

func TestOptionsCheckedBeforeStart(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nrules:\n  - respond: {status: 99}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	misnamed := t.TempDir()
	if err := os.WriteFile(filepath.Join(misnamed, "Unleash.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  fakecontainer.Option
		want string
	}{
		{"missing fixture dir", fakecontainer.WithFixtures(filepath.Join(t.TempDir(), "none")), "fixture directory: open "},
		{"empty fixture dir", fakecontainer.WithFixtures(t.TempDir()), "holds none of the fixture files"},
		{"misnamed fixture file", fakecontainer.WithFixtures(misnamed), "Unleash.json is not a fixture file name: did you mean unleash.json?"},
		{"empty scenario", fakecontainer.WithScenario(""), "scenario"},
		{"unknown scenario", fakecontainer.WithScenario("no-such-scenario"), "no-such-scenario"},
		{"invalid scenario file", fakecontainer.WithScenario(bad), "bad.yaml"},
		{"empty admin token", fakecontainer.WithAdminToken(""), "admin token"},
		{"admin token with a space", fakecontainer.WithAdminToken("a b"), "admin token"},
		{"zero time", fakecontainer.WithTime(time.Time{}), "time"},
		{"webhook hosts with a comma", fakecontainer.WithWebhookHosts("a,b"), `webhook host "a,b"`},
		{"empty webhook host", fakecontainer.WithWebhookHosts(""), `webhook host ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The image does not exist: an attempt to start it would fail
			// differently.
			ctr, err := fakecontainer.Run(t.Context(), "tokenfake/no-such-image:never", tt.opt)
			if ctr != nil {
				t.Errorf("Run returned a container")
			}
			if err == nil || !strings.HasPrefix(err.Error(), "run fakeserver: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run error = %v, want \"run fakeserver: ...%s...\"", err, tt.want)
			}
		})
	}
}

// BenchmarkRun measures Run: from creating the container to the first 200
// from /_fake/health through the published port. Terminating is not timed.
func BenchmarkRun(b *testing.B) {
	img := image(b)
	ctx := context.Background()
	for b.Loop() {
		ctr, err := fakecontainer.Run(ctx, img)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
