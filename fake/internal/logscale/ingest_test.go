package logscale_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	graphql "github.com/cli/shurcooL-graphql"
	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Ingest tokens of the default fixtures.
const (
	fluentBitToken = fixtures.LogScaleIngestToken           // production, parser frontend-json
	splunkToken    = "0b7e9a4c-2d1f-4e6a-8b3c-5d9f7e1a2c4b" // production, no parser
	auditToken     = "d4c3b2a1-9f8e-4d7c-a6b5-0e1f2a3b4c5d" // audit, parser json
)

// uuidRE matches LogScale's ingest token strings.
var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ingestTokenRow is an ingest token as the operator's ListIngestTokens shows it.
type ingestTokenRow struct {
	Name   string
	Token  string
	Parser string // "" for none
}

// listIngestTokens runs the operator's ListIngestTokens on repo.
func listIngestTokens(t *testing.T, c opClient, repo string) []ingestTokenRow {
	t.Helper()
	data := c.ok("ListIngestTokens", map[string]any{"RepositoryName": repo})
	var out []ingestTokenRow
	for i := range digLen(t, data, "repository", "ingestTokens") {
		tok := dig(t, data, "repository", "ingestTokens", i)
		row := ingestTokenRow{Name: digStr(t, tok, "name"), Token: digStr(t, tok, "token")}
		if dig(t, tok, "parser") != nil {
			row.Parser = digStr(t, tok, "parser", "name")
		}
		out = append(out, row)
	}
	return out
}

// wantOpError fails t unless errs is one error with msg at the operation's
// root field.
func wantOpError(t *testing.T, errs []gqlError, field, msg string) {
	t.Helper()
	if len(errs) != 1 || errs[0].Message != msg || len(errs[0].Path) != 1 || errs[0].Path[0] != field {
		t.Errorf("errors = %+v, want one at %s with message %q", errs, field, msg)
	}
}

// TestOperatorIngestTokens drives the ingest tokens of a repository with the
// LogScale operator's own operation documents: list, add with and without a
// parser, assign and unassign a parser, remove; and every refusal, after
// which the list is as it was.
func TestOperatorIngestTokens(t *testing.T) {
	t.Parallel()
	srv := start(t)
	c := opClient{t: t, srv: srv, token: fixtures.LogScaleToken, file: "operator.graphql"}

	fixture := []ingestTokenRow{
		{"fluent-bit", fluentBitToken, "frontend-json"},
		{"splunk-forwarder", splunkToken, ""},
	}
	if diff := cmp.Diff(fixture, listIngestTokens(t, c, "production")); diff != "" {
		t.Fatalf("production's ingest tokens (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ingestTokenRow{{"audit-shipper", auditToken, "json"}}, listIngestTokens(t, c, "audit")); diff != "" {
		t.Fatalf("audit's ingest tokens (-want +got):\n%s", diff)
	}

	added := c.ok("AddIngestToken", map[string]any{"RepositoryName": "production", "Name": "vector", "ParserName": nil})
	vector := ingestTokenRow{Name: digStr(t, added, "addIngestTokenV3", "name"), Token: digStr(t, added, "addIngestTokenV3", "token")}
	if vector.Name != "vector" || !uuidRE.MatchString(vector.Token) || dig(t, added, "addIngestTokenV3", "parser") != nil {
		t.Fatalf("addIngestTokenV3 without a parser = %v", added)
	}
	withKV := c.ok("AddIngestToken", map[string]any{"RepositoryName": "production", "Name": "beats", "ParserName": "kv"})
	beats := ingestTokenRow{Name: "beats", Token: digStr(t, withKV, "addIngestTokenV3", "token"), Parser: digStr(t, withKV, "addIngestTokenV3", "parser", "name")}
	if beats.Parser != "kv" || beats.Token == vector.Token {
		t.Fatalf("addIngestTokenV3 with parser kv = %v", withKV)
	}
	want := []ingestTokenRow{beats, fixture[0], fixture[1], vector}
	if diff := cmp.Diff(want, listIngestTokens(t, c, "production")); diff != "" {
		t.Fatalf("after adding (-want +got):\n%s", diff)
	}

	refusals := []struct {
		op, field string
		vars      map[string]any
		msg       string
	}{
		{"AddIngestToken", "addIngestTokenV3", map[string]any{"RepositoryName": "production", "Name": "vector", "ParserName": nil}, "An ingest token with the name 'vector' already exists."},
		{"AddIngestToken", "addIngestTokenV3", map[string]any{"RepositoryName": "production", "Name": "x", "ParserName": "no-such-parser"}, "Could not find a parser with the name 'no-such-parser'."},
		{"AddIngestToken", "addIngestTokenV3", map[string]any{"RepositoryName": "no-such-repo", "Name": "x", "ParserName": nil}, "Entity Not Found"},
		{"AddIngestToken", "addIngestTokenV3", map[string]any{"RepositoryName": "all-logs", "Name": "x", "ParserName": nil}, "Entity Not Found"},
		{"AddIngestToken", "addIngestTokenV3", map[string]any{"RepositoryName": "production", "Name": "  ", "ParserName": nil}, "The name must not be empty."},
		{"AssignParserToIngestToken", "assignParserToIngestTokenV2", map[string]any{"RepositoryName": "production", "IngestTokenName": "vector", "ParserName": "no-such-parser"}, "Could not find a parser with the name 'no-such-parser'."},
		{"AssignParserToIngestToken", "assignParserToIngestTokenV2", map[string]any{"RepositoryName": "production", "IngestTokenName": "nope", "ParserName": "json"}, "Entity Not Found"},
		{"AssignParserToIngestToken", "assignParserToIngestTokenV2", map[string]any{"RepositoryName": "no-such-repo", "IngestTokenName": "vector", "ParserName": "json"}, "Entity Not Found"},
		// audit has no parser frontend-json: parsers belong to one repository.
		{"AssignParserToIngestToken", "assignParserToIngestTokenV2", map[string]any{"RepositoryName": "audit", "IngestTokenName": "audit-shipper", "ParserName": "frontend-json"}, "Could not find a parser with the name 'frontend-json'."},
		{"UnassignParserToIngestToken", "unassignIngestToken", map[string]any{"RepositoryName": "production", "IngestTokenName": "nope"}, "Entity Not Found"},
		{"UnassignParserToIngestToken", "unassignIngestToken", map[string]any{"RepositoryName": "no-such-repo", "IngestTokenName": "vector"}, "Entity Not Found"},
		{"RemoveIngestToken", "removeIngestToken", map[string]any{"RepositoryName": "production", "Name": "nope"}, "Entity Not Found"},
		// A token belongs to its repository only.
		{"RemoveIngestToken", "removeIngestToken", map[string]any{"RepositoryName": "audit", "Name": "vector"}, "Entity Not Found"},
	}
	for _, r := range refusals {
		errs, data := c.fails(r.op, r.vars)
		wantOpError(t, errs, r.field, r.msg)
		if data != nil {
			t.Errorf("%s %v: data = %v, want null", r.op, r.vars, data)
		}
	}
	if diff := cmp.Diff(want, listIngestTokens(t, c, "production")); diff != "" {
		t.Fatalf("refused calls changed production's tokens (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ingestTokenRow{{"audit-shipper", auditToken, "json"}}, listIngestTokens(t, c, "audit")); diff != "" {
		t.Fatalf("refused calls changed audit's tokens (-want +got):\n%s", diff)
	}

	if got := digStr(t, c.ok("AssignParserToIngestToken", map[string]any{"RepositoryName": "production", "IngestTokenName": "vector", "ParserName": "accesslog"}), "assignParserToIngestTokenV2", "__typename"); got != "IngestToken" {
		t.Errorf("assignParserToIngestTokenV2.__typename = %q", got)
	}
	if got := digStr(t, c.ok("UnassignParserToIngestToken", map[string]any{"RepositoryName": "production", "IngestTokenName": "fluent-bit"}), "unassignIngestToken", "__typename"); got != "UnassignIngestTokenMutation" {
		t.Errorf("unassignIngestToken.__typename = %q", got)
	}
	vector.Parser, fixture[0].Parser = "accesslog", ""
	if diff := cmp.Diff([]ingestTokenRow{beats, fixture[0], fixture[1], vector}, listIngestTokens(t, c, "production")); diff != "" {
		t.Fatalf("after assigning and unassigning (-want +got):\n%s", diff)
	}

	if got := digStr(t, c.ok("RemoveIngestToken", map[string]any{"RepositoryName": "production", "Name": "beats"}), "removeIngestToken", "__typename"); got != "BooleanResultType" {
		t.Errorf("removeIngestToken.__typename = %q", got)
	}
	errs, _ := c.fails("RemoveIngestToken", map[string]any{"RepositoryName": "production", "Name": "beats"})
	wantOpError(t, errs, "removeIngestToken", "Entity Not Found")
	if diff := cmp.Diff([]ingestTokenRow{fixture[0], fixture[1], vector}, listIngestTokens(t, c, "production")); diff != "" {
		t.Fatalf("after removing (-want +got):\n%s", diff)
	}

	srv.Reset()
	fixture[0].Parser = "frontend-json"
	if diff := cmp.Diff(fixture, listIngestTokens(t, c, "production")); diff != "" {
		t.Fatalf("after Reset (-want +got):\n%s", diff)
	}
}

// GraphQL input types for the client, named as LogScale's.
type (
	AddIngestTokenV3Input struct {
		RepositoryName string  `json:"repositoryName"`
		Name           string  `json:"name"`
		Parser         *string `json:"parser,omitempty"`
		CustomToken    *string `json:"customToken,omitempty"`
	}
	AssignParserToIngestTokenInputV2 struct {
		RepositoryName string `json:"repositoryName"`
		TokenName      string `json:"tokenName"`
		Parser         string `json:"parser"`
	}
)

// ingestTokenFields is what the client selects of an IngestToken.
type ingestTokenFields struct {
	Name   string
	Token  string
	Parser *struct {
		ID        string
		Name      string
		IsBuiltIn bool
	}
}

// TestIngestTokensWithClient runs every ingest token operation through a
// GraphQL client library, with its success and its error paths, and checks
// that the tokens authenticate the ingest endpoints until removed.
func TestIngestTokensWithClient(t *testing.T) {
	t.Parallel()
	srv := start(t)
	ctx := context.Background()
	client := newClient(srv, fixtures.LogScaleToken)

	var repo struct {
		Repository struct {
			Name         string
			IngestTokens []ingestTokenFields
			Parsers      []struct {
				ID        string
				Name      string
				IsBuiltIn bool
			}
			JSON *struct{ ID string } `graphql:"json: parser(name: \"json\")"`
		} `graphql:"repository(name: $name)"`
	}
	if err := client.Query(ctx, &repo, map[string]any{"name": graphql.String("production")}); err != nil {
		t.Fatalf("repository: %v", err)
	}
	if len(repo.Repository.IngestTokens) != 2 || repo.Repository.IngestTokens[0].Parser == nil || repo.Repository.IngestTokens[0].Parser.Name != "frontend-json" || repo.Repository.IngestTokens[0].Parser.IsBuiltIn {
		t.Errorf("ingest tokens = %+v", repo.Repository.IngestTokens)
	}
	var names []string
	jsonID := ""
	for _, p := range repo.Repository.Parsers {
		names = append(names, p.Name)
		if p.Name == "json" {
			jsonID = p.ID
		}
	}
	for _, n := range []string{"accesslog", "json", "kv", "syslog", "frontend-json"} {
		if !strings.Contains(" "+strings.Join(names, " ")+" ", " "+n+" ") {
			t.Errorf("parsers %v lack %s", names, n)
		}
	}
	if repo.Repository.JSON == nil || repo.Repository.JSON.ID != jsonID || jsonID == "" {
		t.Errorf("parser(name: json) = %+v, want the id %q from the list", repo.Repository.JSON, jsonID)
	}

	var add struct {
		AddIngestTokenV3 ingestTokenFields `graphql:"addIngestTokenV3(input: $input)"`
	}
	custom := "my-own-token-0001"
	if err := client.Mutate(ctx, &add, map[string]any{"input": AddIngestTokenV3Input{RepositoryName: "audit", Name: "custom", CustomToken: &custom}}); err != nil {
		t.Fatalf("add with a custom token: %v", err)
	}
	if add.AddIngestTokenV3.Token != custom || add.AddIngestTokenV3.Parser != nil {
		t.Errorf("added %+v, want token %q without parser", add.AddIngestTokenV3, custom)
	}
	json := "json"
	if err := client.Mutate(ctx, &add, map[string]any{"input": AddIngestTokenV3Input{RepositoryName: "audit", Name: "with parser", Parser: &json}}); err != nil {
		t.Fatalf("add with a parser: %v", err)
	}
	if !uuidRE.MatchString(add.AddIngestTokenV3.Token) || add.AddIngestTokenV3.Parser == nil || add.AddIngestTokenV3.Parser.Name != "json" || !add.AddIngestTokenV3.Parser.IsBuiltIn {
		t.Errorf("added %+v", add.AddIngestTokenV3)
	}
	fresh := add.AddIngestTokenV3.Token
	for _, tc := range []struct {
		input AddIngestTokenV3Input
		msg   string
	}{
		{AddIngestTokenV3Input{RepositoryName: "audit", Name: "custom"}, "An ingest token with the name 'custom' already exists."},
		{AddIngestTokenV3Input{RepositoryName: "audit", Name: "other", CustomToken: &custom}, "The custom token is already in use."},
		{AddIngestTokenV3Input{RepositoryName: "audit", Name: "other", CustomToken: new(string)}, "The custom token must be 1 to 255 printable characters without spaces."},
		{AddIngestTokenV3Input{RepositoryName: "nope", Name: "other"}, "Entity Not Found"},
	} {
		err := client.Mutate(ctx, &add, map[string]any{"input": tc.input})
		if !isGraphQLError(err, tc.msg) {
			t.Errorf("add %+v: err = %v, want %q", tc.input, err, tc.msg)
		}
	}

	var assign struct {
		AssignParserToIngestTokenV2 ingestTokenFields `graphql:"assignParserToIngestTokenV2(input: $input)"`
	}
	if err := client.Mutate(ctx, &assign, map[string]any{"input": AssignParserToIngestTokenInputV2{RepositoryName: "audit", TokenName: "custom", Parser: "syslog"}}); err != nil {
		t.Fatalf("assign: %v", err)
	}
	if p := assign.AssignParserToIngestTokenV2.Parser; p == nil || p.Name != "syslog" || assign.AssignParserToIngestTokenV2.Token != custom {
		t.Errorf("assigned %+v", assign.AssignParserToIngestTokenV2)
	}
	err := client.Mutate(ctx, &assign, map[string]any{"input": AssignParserToIngestTokenInputV2{RepositoryName: "audit", TokenName: "custom", Parser: "nope"}})
	if !isGraphQLError(err, "Could not find a parser with the name 'nope'.") {
		t.Errorf("assign an unknown parser: err = %v", err)
	}

	var unassign struct {
		UnassignIngestToken struct {
			Repository struct {
				Name         string
				IngestTokens []ingestTokenFields
			}
		} `graphql:"unassignIngestToken(repositoryName: $repo, tokenName: $token)"`
	}
	if err := client.Mutate(ctx, &unassign, map[string]any{"repo": graphql.String("audit"), "token": graphql.String("custom")}); err != nil {
		t.Fatalf("unassign: %v", err)
	}
	for _, tok := range unassign.UnassignIngestToken.Repository.IngestTokens {
		if tok.Name == "custom" && tok.Parser != nil {
			t.Errorf("after unassign, custom has parser %+v", tok.Parser)
		}
	}
	if unassign.UnassignIngestToken.Repository.Name != "audit" || len(unassign.UnassignIngestToken.Repository.IngestTokens) != 3 {
		t.Errorf("unassign answered %+v", unassign.UnassignIngestToken)
	}
	err = client.Mutate(ctx, &unassign, map[string]any{"repo": graphql.String("audit"), "token": graphql.String("nope")})
	if !isGraphQLError(err, "Entity Not Found") {
		t.Errorf("unassign an unknown token: err = %v", err)
	}

	if st := ingest(t, srv, logscale.PathIngestRaw, "Bearer "+fresh, "line"); st.status != http.StatusOK {
		t.Fatalf("ingest with the new token: %d %s", st.status, st.body)
	}
	var remove struct {
		RemoveIngestToken struct{ Result bool } `graphql:"removeIngestToken(repositoryName: $repo, name: $name)"`
	}
	if err := client.Mutate(ctx, &remove, map[string]any{"repo": graphql.String("audit"), "name": graphql.String("with parser")}); err != nil || !remove.RemoveIngestToken.Result {
		t.Fatalf("remove: %v, %v", remove.RemoveIngestToken.Result, err)
	}
	if st := ingest(t, srv, logscale.PathIngestRaw, "Bearer "+fresh, "line"); st.status != http.StatusUnauthorized || string(st.body) != "The supplied authentication is invalid" {
		t.Errorf("ingest with the removed token: %d %s", st.status, st.body)
	}
	err = client.Mutate(ctx, &remove, map[string]any{"repo": graphql.String("audit"), "name": graphql.String("with parser")})
	if !isGraphQLError(err, "Entity Not Found") {
		t.Errorf("remove twice: err = %v", err)
	}
	err = client.Query(ctx, &repo, map[string]any{"name": graphql.String("all-logs")})
	if !isGraphQLError(err, "Entity Not Found") {
		t.Errorf("repository(name) of a view: err = %v", err)
	}
}

// isGraphQLError reports whether err is the client's report of one GraphQL
// error with msg.
func isGraphQLError(err error, msg string) bool {
	return err != nil && strings.HasPrefix(err.Error(), "Message: "+msg+", Locations: ")
}

// ingest posts body to path with the Authorization header auth.
func ingest(t *testing.T, srv *fake.Server, path, auth, body string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// TestIngestEndpoints checks what each ingest endpoint accepts and counts,
// and how it refuses.
func TestIngestEndpoints(t *testing.T) {
	t.Parallel()
	const (
		structured   = `[{"tags": {"host": "web-1"}, "events": [{"timestamp": "2026-01-15T12:00:00Z", "attributes": {"a": 1}}, {"timestamp": 1768478400000}]}, {"events": [{"timestamp": "2026-01-15T12:00:01Z", "rawstring": "x"}]}]`
		unstructured = `[{"fields": {"host": "web-1"}, "messages": ["a=1", "a=2"]}, {"type": "kv", "messages": ["a=3"]}]`
		hec          = "{\"event\": \"one\", \"time\": 1768478400}\n{\"event\": {\"two\": 2}}{\"event\": \"three\", \"index\": \"production\"}"
	)
	tests := []struct {
		name, path, auth, body string
		status                 int
		respBody, contentType  string
		events                 int // counted for fluent-bit in production
	}{
		{"structured", logscale.PathIngestStructured, "Bearer " + fluentBitToken, structured, 200, `{}`, "application/json", 3},
		{"structured, trailing slash", logscale.PathIngestStructured + "/", "Bearer " + fluentBitToken, `[]`, 200, `{}`, "application/json", 0},
		{"unstructured", logscale.PathIngestUnstructured, "Bearer " + fluentBitToken, unstructured, 200, `{}`, "application/json", 3},
		{"hec, bearer", logscale.PathIngestHEC, "Bearer " + fluentBitToken, hec, 200, `{"text":"Success","code":0}`, "application/json", 3},
		{"hec, splunk form", logscale.PathIngestHEC, "Splunk " + fluentBitToken, hec, 200, `{"text":"Success","code":0}`, "application/json", 3},
		{"hec alias", logscale.PathIngestHECAlias, "Splunk " + fluentBitToken, `{"event": "x"}`, 200, `{"text":"Success","code":0}`, "application/json", 1},
		{"raw", logscale.PathIngestRaw, "Bearer " + fluentBitToken, `My raw message at "2016-06-06T12:00:00+02:00"`, 200, `{}`, "application/json", 1},
		{"no token", logscale.PathIngestStructured, "", structured, 401, "The supplied authentication is invalid", "text/plain; charset=UTF-8", 0},
		{"unknown token", logscale.PathIngestHEC, "Splunk 00000000-0000-4000-8000-000000000000", hec, 401, "The supplied authentication is invalid", "text/plain; charset=UTF-8", 0},
		{"a personal API token", logscale.PathIngestRaw, "Bearer " + fixtures.LogScaleToken, "x", 401, "The supplied authentication is invalid", "text/plain; charset=UTF-8", 0},
		{"basic auth", logscale.PathIngestRaw, "Basic " + fluentBitToken, "x", 401, "The supplied authentication is invalid", "text/plain; charset=UTF-8", 0},
		{"structured, not JSON", logscale.PathIngestStructured, "Bearer " + fluentBitToken, `[{"events": [}]`, 400, "The request content was malformed:\nline 1, column 14: invalid character '}' looking for beginning of value", "text/plain; charset=UTF-8", 0},
		{"structured, an object", logscale.PathIngestStructured, "Bearer " + fluentBitToken, `{"events": []}`, 400, "The request content was malformed:\nthe body must be a JSON array of objects", "text/plain; charset=UTF-8", 0},
		{"structured, no timestamp", logscale.PathIngestStructured, "Bearer " + fluentBitToken, `[{"events": [{"attributes": {}}]}]`, 400, "The request content was malformed:\nevery event needs a timestamp", "text/plain; charset=UTF-8", 0},
		{"structured, events not a list", logscale.PathIngestStructured, "Bearer " + fluentBitToken, `[{"events": {}}]`, 400, "The request content was malformed:\nelement 0 of the array does not have the format of this endpoint", "text/plain; charset=UTF-8", 0},
		{"unstructured, a number message", logscale.PathIngestUnstructured, "Bearer " + fluentBitToken, `[{"messages": [1]}]`, 400, "The request content was malformed:\nelement 0 of the array does not have the format of this endpoint", "text/plain; charset=UTF-8", 0},
		{"hec, not an object", logscale.PathIngestHEC, "Bearer " + fluentBitToken, `{"event": 1} [2]`, 400, "The request content was malformed:\nevery HEC event must be a JSON object", "text/plain; charset=UTF-8", 0},
		{"hec, cut short", logscale.PathIngestHEC, "Bearer " + fluentBitToken, `{"event": 1} {"ev`, 400, "The request content was malformed:\nline 1, column 17: unexpected end of JSON input", "text/plain; charset=UTF-8", 0},
		{"oversized", logscale.PathIngestRaw, "Bearer " + fluentBitToken, strings.Repeat("x", 1<<20+1), 413, "The request payload is larger than the server is willing or able to process.", "text/plain; charset=UTF-8", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			res := ingest(t, srv, tc.path, tc.auth, tc.body)
			if res.status != tc.status || string(res.body) != tc.respBody || res.header.Get("Content-Type") != tc.contentType {
				t.Errorf("got %d %q (%s), want %d %q (%s)", res.status, res.body, res.header.Get("Content-Type"), tc.status, tc.respBody, tc.contentType)
			}
			var want []fake.IngestCount
			if tc.status == http.StatusOK {
				want = []fake.IngestCount{{Repository: "production", Token: "fluent-bit", Requests: 1, Events: tc.events}}
			}
			if diff := cmp.Diff(want, srv.IngestedEvents(), cmpEmpty); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices alike.
var cmpEmpty = cmp.Comparer(func(a, b []fake.IngestCount) bool {
	return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b)
})

// TestIngestCountsPerToken checks that each token's events are counted for
// its own repository only, that a GET is refused, and that Reset forgets
// the counts.
func TestIngestCountsPerToken(t *testing.T) {
	t.Parallel()
	srv := start(t)
	send := func(path, auth, body string) {
		t.Helper()
		if res := ingest(t, srv, path, auth, body); res.status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, res.status, res.body)
		}
	}
	send(logscale.PathIngestHEC, "Splunk "+auditToken, `{"event": 1}{"event": 2}`)
	send(logscale.PathIngestRaw, "Bearer "+auditToken, `x`)
	send(logscale.PathIngestUnstructured, "Bearer "+splunkToken, `[{"messages": ["a", "b", "c", "d"]}]`)
	send(logscale.PathIngestStructured, "Bearer "+fluentBitToken, `[{"events": [{"timestamp": 1}]}]`)
	want := []fake.IngestCount{
		{Repository: "audit", Token: "audit-shipper", Requests: 2, Events: 3},
		{Repository: "production", Token: "fluent-bit", Requests: 1, Events: 1},
		{Repository: "production", Token: "splunk-forwarder", Requests: 1, Events: 4},
	}
	if diff := cmp.Diff(want, srv.IngestedEvents()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}

	req, err := http.NewRequest(http.MethodGet, srv.URL()+logscale.PathIngestRaw, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+auditToken)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET: %d, Allow %q; want 405, POST", res.StatusCode, res.Header.Get("Allow"))
	}

	srv.Reset()
	if got := srv.IngestedEvents(); len(got) != 0 {
		t.Errorf("after Reset: counts %+v, want none", got)
	}
}

// TestIngestTokenDeterministic checks that a seed fixes the token strings
// that addIngestTokenV3 draws.
func TestIngestTokenDeterministic(t *testing.T) {
	t.Parallel()
	const add = `mutation { addIngestTokenV3(input: {repositoryName: "production", name: "n"}) { token } }`
	tokenOf := func(srv *fake.Server) string {
		t.Helper()
		var body struct {
			Data struct {
				AddIngestTokenV3 struct{ Token string }
			}
		}
		if err := json.Unmarshal(admin(t, srv, add, nil).body, &body); err != nil {
			t.Fatal(err)
		}
		return body.Data.AddIngestTokenV3.Token
	}
	a, b := start(t), start(t)
	first := tokenOf(a)
	if got := tokenOf(b); got != first || !uuidRE.MatchString(first) {
		t.Errorf("same seed: tokens %q and %q, want the same UUID", first, got)
	}
	if got := tokenOf(start(t, fake.WithSeed(2))); got == first {
		t.Errorf("seeds 1 and 2 drew the same token %q", got)
	}
	a.Reset()
	if got := tokenOf(a); got != first {
		t.Errorf("after Reset: token %q, want %q again", got, first)
	}
}

// TestNoFormatArtifactsInErrors sends documents that graphql-go's validator
// reports on, and checks that no message shows Go formatting artifacts. A
// fragment on an unknown type is reported as Sangria does: the unknown type.
func TestNoFormatArtifactsInErrors(t *testing.T) {
	t.Parallel()
	srv := start(t)
	docs := []string{
		`query { viewer { ...F } } fragment F on NoSuchType { id }`,
		`fragment F on NoSuchType { id } query { ...F }`,
		`query { viewer { ...F } } fragment F on NoSuchType { id { x } }`,
		`query { viewer { ...F } } fragment F on Account { ...G } fragment G on Nope { id }`,
		`query { viewer { ... on NoSuchType { id } } }`,
		`query { viewer { ... on NoSuchType { ... on Other { id } } } }`,
		`query { repository(name: "production") { ...F } } fragment F on NoSuch { ingestTokens { name } }`,
		`query { repository(name: "production") { ... on View { id } ...G } } fragment G on Token { id }`,
		`query($a: NoSuch) { viewer { id } }`,
		`query($a: [NoSuch!]!) { viewer { id } }`,
		`query($a: Repository) { viewer { id } }`,
		`query { viewer { ...F } } fragment F on Long { id }`,
		`query { viewer { ... on Long { id } } }`,
		`query { viewer @nope { id } }`,
		`query { tokens(sortBy: Nope) { totalResults } }`,
		`query { repository { name } }`,
		`query { repository(name: 1) { ingestTokens } }`,
		`mutation { addIngestTokenV3(input: {name: "x"}) { token } }`,
		`mutation { addIngestTokenV3(input: {repositoryName: "production", name: "x", nope: 1}) { token } }`,
		`mutation { removeIngestToken(repositoryName: "production") { result } }`,
		`mutation { unassignIngestToken(repositoryName: "production", tokenName: "x") { nope } }`,
		`subscription { tokens }`,
		`{ __type(name: 1) { name } }`,
		`query Q { viewer { id } } query Q { viewer { id } }`,
		`query { viewer { id } } fragment F on Account { id } fragment F on Account { id }`,
	}
	for _, q := range docs {
		errs, _ := errorsOf(t, admin(t, srv, q, nil))
		if len(errs) == 0 {
			t.Errorf("%s: no errors", q)
		}
		for _, e := range errs {
			if strings.Contains(e.Message, "%!") || strings.Contains(e.Message, "<nil>") {
				t.Errorf("%s: message %q shows Go formatting", q, e.Message)
			}
		}
	}
	errs, _ := errorsOf(t, admin(t, srv, `query { viewer { ...F } } fragment F on NoSuchType { id }`, nil))
	if len(errs) != 1 || errs[0].Message != "Unknown type 'NoSuchType'." || len(errs[0].Locations) != 1 || errs[0].Locations[0]["column"] != 41 {
		t.Errorf("fragment on an unknown type: errors %+v, want only Unknown type 'NoSuchType'. at column 41", errs)
	}
}

// TestIngestTokenIntrospection checks that introspection describes the
// ingest token types and mutations as LogScale's schema does.
func TestIngestTokenIntrospection(t *testing.T) {
	t.Parallel()
	srv := start(t)
	res := admin(t, srv, `{
  token: __type(name: "IngestToken") { kind fields { name type { kind name ofType { name } } } }
  input: __type(name: "AddIngestTokenV3Input") { kind inputFields { name type { kind name ofType { name } } } }
}`, nil)
	wantJSON(t, res.body, `{"data": {
  "token": {"kind": "OBJECT", "fields": [
    {"name": "name", "type": {"kind": "NON_NULL", "name": null, "ofType": {"name": "String"}}},
    {"name": "token", "type": {"kind": "NON_NULL", "name": null, "ofType": {"name": "String"}}},
    {"name": "parser", "type": {"kind": "OBJECT", "name": "Parser", "ofType": null}}]},
  "input": {"kind": "INPUT_OBJECT", "inputFields": [
    {"name": "repositoryName", "type": {"kind": "NON_NULL", "name": null, "ofType": {"name": "String"}}},
    {"name": "name", "type": {"kind": "NON_NULL", "name": null, "ofType": {"name": "String"}}},
    {"name": "parser", "type": {"kind": "SCALAR", "name": "String", "ofType": null}},
    {"name": "customToken", "type": {"kind": "SCALAR", "name": "String", "ofType": null}}]}
}}`)
	mutations := dataOf(t, admin(t, srv, `{ __type(name: "Mutation") { fields { name } } }`, nil))
	var names []string
	for i := range digLen(t, mutations, "__type", "fields") {
		names = append(names, digStr(t, mutations, "__type", "fields", i, "name"))
	}
	for _, f := range []string{"addIngestTokenV3", "assignParserToIngestTokenV2", "unassignIngestToken", "removeIngestToken"} {
		if !slices.Contains(names, f) {
			t.Errorf("introspection lacks Mutation.%s", f)
		}
	}
}

// TestIngestTokenCaps checks the caps on a new ingest token's name and on
// the number of tokens of a repository.
func TestIngestTokenCaps(t *testing.T) {
	t.Parallel()
	var toks []string
	for i := range logscale.MaxIngestTokensPerRepository {
		toks = append(toks, fmt.Sprintf(`{"name": "t%d", "token": "token-%d"}`, i, i))
	}
	file := `{"repositories": [{"id": "r1", "name": "full", "ingestTokens": [` + strings.Join(toks, ",") + `]}, {"id": "r2", "name": "empty"}],
  "users": [{"id": "u", "username": "u"}], "tokens": [{"id": "a", "secret": "b", "type": "personal", "userId": "u"}]}`
	srv := start(t, fake.WithFixtures(fstest.MapFS{"logscale.json": {Data: []byte(file)}}))
	add := `mutation($r: String!, $n: String!) { addIngestTokenV3(input: {repositoryName: $r, name: $n}) { name } }`
	for _, tc := range []struct {
		repo, name, msg string
	}{
		{"full", "one more", fmt.Sprintf("A repository can have at most %d ingest tokens.", logscale.MaxIngestTokensPerRepository)},
		{"empty", strings.Repeat("n", logscale.MaxIngestTokenNameLength+1), fmt.Sprintf("The name must be at most %d characters long.", logscale.MaxIngestTokenNameLength)},
	} {
		wantError(t, gql(t, srv, "a~b", add, map[string]any{"r": tc.repo, "n": tc.name}), tc.msg)
	}
	data := dataOf(t, gql(t, srv, "a~b", add, map[string]any{"r": "empty", "n": strings.Repeat("n", logscale.MaxIngestTokenNameLength)}))
	if got := digStr(t, data, "addIngestTokenV3", "name"); len(got) != logscale.MaxIngestTokenNameLength {
		t.Errorf("a name of the longest length was stored as %d bytes", len(got))
	}
}
