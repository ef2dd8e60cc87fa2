package fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// post sends body to path with the Authorization header auth and returns the
// status and body.
func post(t *testing.T, srv *fake.Server, path, auth, body string) (int, string) {
	t.Helper()
	r := do(t, srv, nil, call{method: http.MethodPost, path: path, body: body,
		header: map[string]string{"Authorization": auth, "Content-Type": "application/json"}})
	return r.status, string(r.body)
}

// TestIngestTokensScriptedAndJournaled checks that the ingest token
// mutations are scripted and journaled by name like every LogScale
// operation, that the ingest endpoints belong to the LogScale API, that a
// scripted refusal of an ingest request counts nothing, and that a removed
// token stops ingesting.
func TestIngestTokensScriptedAndJournaled(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithSeed(1))
	err := srv.Script(
		fake.Rule{Name: "no-add", Match: fake.Match{API: fake.APILogScale, Operation: "addIngestTokenV3"}, Times: 1, Respond: fake.Response{Status: 503}},
		fake.Rule{Name: "ingest-down", Match: fake.Match{API: fake.APILogScale, Path: "/api/v1/ingest/hec"}, Times: 1, Respond: fake.Response{Status: 503}},
	)
	if err != nil {
		t.Fatal(err)
	}
	add, _ := json.Marshal(map[string]any{
		"query":         `mutation AddIngestToken($R: String!, $N: String!) { addIngestTokenV3(input: {repositoryName: $R, name: $N}) { token } }`,
		"variables":     map[string]any{"R": "audit", "N": "otel"},
		"operationName": "AddIngestToken",
	})
	auth := "Bearer " + fixtures.LogScaleToken
	if status, body := post(t, srv, "/graphql", auth, string(add)); status != http.StatusServiceUnavailable {
		t.Fatalf("scripted add: %d %s, want 503", status, body)
	}
	status, body := post(t, srv, "/graphql", auth, string(add))
	var out struct {
		Data struct {
			AddIngestTokenV3 struct{ Token string }
		}
	}
	if err := json.Unmarshal([]byte(body), &out); status != http.StatusOK || err != nil || out.Data.AddIngestTokenV3.Token == "" {
		t.Fatalf("add: %d %s", status, body)
	}
	token := out.Data.AddIngestTokenV3.Token

	if status, body := post(t, srv, "/api/v1/ingest/hec", "Splunk "+token, `{"event": "a"}`); status != http.StatusServiceUnavailable || body != "The server is currently unavailable (because it is overloaded or down for maintenance)." {
		t.Fatalf("scripted ingest: %d %q", status, body)
	}
	if status, body := post(t, srv, "/api/v1/ingest/hec", "Splunk "+token, `{"event": "a"}{"event": "b"}`); status != http.StatusOK {
		t.Fatalf("ingest: %d %s", status, body)
	}
	want := []fake.IngestCount{{Repository: "audit", Token: "otel", Requests: 1, Events: 2}}
	if diff := cmp.Diff(want, srv.IngestedEvents()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}

	remove := `{"query": "mutation { removeIngestToken(repositoryName: \"audit\", name: \"otel\") { result } }"}`
	if status, body := post(t, srv, "/graphql", auth, remove); status != http.StatusOK || !strings.Contains(body, `"result":true`) {
		t.Fatalf("remove: %d %s", status, body)
	}
	if status, body := post(t, srv, "/api/v1/ingest/raw", "Bearer "+token, `x`); status != http.StatusUnauthorized || body != "The supplied authentication is invalid" {
		t.Errorf("ingest with the removed token: %d %q", status, body)
	}

	if n := srv.Count(fake.Filter{API: fake.APILogScale, Operation: "addIngestTokenV3"}); n != 2 {
		t.Errorf("journal: %d addIngestTokenV3 requests, want 2", n)
	}
	if n := srv.Count(fake.Filter{Operation: "AddIngestToken"}); n != 2 {
		t.Errorf("journal: %d AddIngestToken requests, want 2", n)
	}
	if n := srv.Count(fake.Filter{Operation: "removeIngestToken"}); n != 1 {
		t.Errorf("journal: %d removeIngestToken requests, want 1", n)
	}
	var ingest []string
	var delivered []*fake.Ingested
	for _, r := range srv.Requests(fake.Filter{API: fake.APILogScale}) {
		if strings.HasPrefix(r.Path, "/api/v1/ingest/") {
			if len(r.Operations) != 0 {
				t.Errorf("ingest request %s has operations %v", r.Path, r.Operations)
			}
			ingest = append(ingest, r.Path+" "+http.StatusText(r.Status)+" "+r.Rule)
			delivered = append(delivered, r.Ingested)
		}
	}
	wantIngest := []string{
		"/api/v1/ingest/hec Service Unavailable ingest-down",
		"/api/v1/ingest/hec OK ",
		"/api/v1/ingest/raw Unauthorized ",
	}
	if !slices.Equal(ingest, wantIngest) {
		t.Errorf("journaled ingest requests %q, want %q", ingest, wantIngest)
	}
	// Only the accepted request carries what it delivered.
	wantDelivered := []*fake.Ingested{nil, {Repository: "audit", Token: "otel", Events: 2}, nil}
	if diff := cmp.Diff(wantDelivered, delivered); diff != "" {
		t.Errorf("journaled deliveries (-want +got):\n%s", diff)
	}

	srv.Reset()
	if got := srv.IngestedEvents(); len(got) != 0 {
		t.Errorf("after Reset: counts %+v", got)
	}
}

// ExampleServer_IngestedEvents ships two events with the fixtures' ingest
// token and reads back what was counted.
func ExampleServer_IngestedEvents() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	body := `[{"tags": {"host": "web-1"}, "events": [{"timestamp": "2026-01-15T12:00:00Z", "attributes": {"status": 200}}, {"timestamp": "2026-01-15T12:00:01Z", "attributes": {"status": 500}}]}]`
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v1/ingest/humio-structured", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+fixtures.LogScaleIngestToken)
	res, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	fmt.Println(res.StatusCode)
	for _, c := range srv.IngestedEvents() {
		fmt.Printf("%s/%s: %d requests, %d events\n", c.Repository, c.Token, c.Requests, c.Events)
	}
	// Output:
	// 200
	// production/fluent-bit: 1 requests, 2 events
}
