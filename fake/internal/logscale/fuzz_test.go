package logscale_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/apitest"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fixtures"
)

// fuzzSnapshotQuery reads every piece of state a request could change:
// the listed tokens, personal tokens, IP filters, policies, dashboard
// links and ingest tokens.
const fuzzSnapshotQuery = `{
  tokens(sortBy: Name, limit: 1000) { totalResults results { __typename id name expireAt createdAt ipFilterV2 { id }
    ... on ViewPermissionsToken { permissions views { id } }
    ... on SystemPermissionsToken { permissions }
    ... on OrganizationPermissionsToken { permissions } } }
  admin: token(tokenId: "` + adminTokenID + `") { id createdAt expireAt }
  jane: token(tokenId: "` + janeTokenID + `") { id createdAt expireAt }
  ipFilters { id name ipFilter }
  organization { configs { tokens { personalUserTokensEnabled personalUserTokensEnforceExpirationAfterMs
    viewPermissionTokensEnabled viewPermissionTokensEnforceExpirationAfterMs
    systemPermissionTokensEnabled organizationPermissionTokensEnabled } } }
  searchDomains { name dashboards { id readOnlyTokens { name token } }
    ... on Repository { ingestTokens { name token parser { id name } } } }
}`

// fuzzProbe creates a token, to show which secret the id generator draws
// next.
const fuzzProbe = `mutation { createSystemPermissionsToken(input: {name: "probe", permissions: [ReadHealthCheck]}) }`

// fuzzAuth are the Authorization headers a fuzz input picks from; the
// last entry stands for the input's own header.
var fuzzAuth = []string{
	"Bearer " + fixtures.LogScaleToken,
	"Bearer " + janeToken,
	"Bearer " + clusterToken,
	"Bearer " + vaultToken,  // IP filter: loopback only
	"Bearer " + wallToken,   // IP filter: office networks only
	"Bearer " + testerToken, // expired
	"",
}

var fuzzMethods = []string{http.MethodPost, http.MethodPost, http.MethodPost, http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodHead}

var fuzzRemotes = []string{"192.0.2.1:1234", "127.0.0.1:5555", "10.1.2.3:80", "[::1]:443", "not-an-address"}

// fuzzAllowed are the statuses /graphql may answer.
var fuzzAllowed = map[int]bool{200: true, 400: true, 401: true, 403: true, 405: true, 413: true}

// fuzzGraphQL sends query with the admin token and returns the body.
func fuzzGraphQL(t *testing.T, h http.Handler, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
	rec := apitest.Serve(t, h, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
		t.Fatalf("state query: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// fuzzState is what the server holds: the snapshot and the token the id
// generator would give next.
func fuzzState(t *testing.T, h http.Handler) (snapshot, next string) {
	t.Helper()
	return fuzzGraphQL(t, h, fuzzSnapshotQuery), fuzzGraphQL(t, h, fuzzProbe)
}

// fuzzSeedQueries returns the operations of the client-shaped documents in
// testdata/logscale/clients, each with the name of one of its operations.
func fuzzSeedQueries(f *testing.F) [][2]string {
	f.Helper()
	files, err := filepath.Glob("../../../testdata/logscale/clients/*.graphql")
	if err != nil || len(files) == 0 {
		f.Fatalf("client documents: %v (%d files)", err, len(files))
	}
	opRE := regexp.MustCompile(`(?m)^(?:query|mutation)\s+(\w+)`)
	var out [][2]string
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, m := range opRE.FindAllStringSubmatch(string(b), -1) {
			out = append(out, [2]string{string(b), m[1]})
		}
	}
	return out
}

// rootFieldsFailed reports whether every root field the request body selects
// failed in its own resolver (an error whose path is that field alone): such
// a request must change nothing either.
func rootFieldsFailed(body []byte, errs json.RawMessage) bool {
	var req struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if json.Unmarshal(body, &req) != nil || len(errs) == 0 {
		return false
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return false
	}
	var op *ast.OperationDefinition
	for _, o := range doc.Operations {
		if o.Name == req.OperationName || (req.OperationName == "" && len(doc.Operations) == 1) {
			op = o
		}
	}
	if op == nil {
		return false
	}
	var list []struct {
		Path []any `json:"path"`
	}
	if json.Unmarshal(errs, &list) != nil {
		return false
	}
	failed := map[string]bool{}
	for _, e := range list {
		if len(e.Path) == 1 {
			if k, ok := e.Path[0].(string); ok {
				failed[k] = true
			}
		}
	}
	all, n := true, 0
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				key := x.Alias
				if key == "" {
					key = x.Name
				}
				n++
				all = all && failed[key]
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			case *ast.FragmentSpread:
				if !seen[x.Name] {
					seen[x.Name] = true
					if d := doc.Fragments.ForName(x.Name); d != nil {
						walk(d.SelectionSet)
					}
				}
			}
		}
	}
	walk(op.SelectionSet)
	return all && n > 0
}

// repeatedFields is a query that selects field n times.
func repeatedFields(n int, field string) string {
	return "{ " + strings.Repeat(field, n) + "}"
}

// doublingFragments is a query whose fragments each spread the next one
// twice, depth times.
func doublingFragments(depth int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range depth {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { ipFilters { id } }\n", depth)
	return b.String()
}

// TestRepeatedFieldsAreBounded checks that a query repeating one field
// thousands of times (which graphql-go's validator compares pairwise) is
// refused by a limit, with errors and no data, while queries that repeat
// fields as real clients do still run.
func TestRepeatedFieldsAreBounded(t *testing.T) {
	t.Parallel()
	limits := []string{
		fmt.Sprintf("(limit %d)", logscale.MaxFieldPairs),
		fmt.Sprintf("too many selections (limit %d)", logscale.MaxSelections),
	}
	for _, tt := range []struct {
		name, query string
		refused     bool
	}{
		{"one field 2500 times", repeatedFields(2500, "ipFilters{id} "), true},
		{"nested fields merged", repeatedFields(300, "ipFilters{id} "), true},
		{"fragments doubling 25 times", doublingFragments(25), true},
		{"one field 100 times", repeatedFields(100, "ipFilters{id} "), false},
		{"fragments doubling 5 times", doublingFragments(5), false},
		{"distinct aliases", "{ a: ipFilters { id } b: ipFilters { id } a: ipFilters { name } }", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			body, _ := json.Marshal(map[string]string{"query": tt.query})
			res := do(t, srv, http.MethodPost, "/graphql", fixtures.LogScaleToken, string(body))
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d, content type %q", res.status, res.header.Get("Content-Type"))
			}
			var out struct {
				Data   json.RawMessage `json:"data"`
				Errors []struct {
					Message string `json:"message"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(res.body, &out); err != nil {
				t.Fatalf("body %.300s: %v", res.body, err)
			}
			refused := len(out.Errors) == 1 && (len(out.Data) == 0 || string(out.Data) == "null") &&
				slices.ContainsFunc(limits, func(l string) bool { return strings.Contains(out.Errors[0].Message, l) })
			if refused != tt.refused {
				t.Errorf("refused = %v, want %v; body %.300s", refused, tt.refused, res.body)
			}
		})
	}
}

// FuzzGraphQL sends arbitrary bodies, queries, variables and credentials to
// POST /graphql. Whatever the input, the fake answers one of LogScale's
// statuses with its content type, a 200 is a GraphQL response, and a
// request that fails as a whole (non-200, or errors without data) leaves
// the tokens, IP filters, policies, links and the id generator as they were.
//
// mode picks the method (bits 0-2), the credential (3-5), the remote
// address (6-7); flags picks whether body is sent as it is (bit 0) and
// whether the credential is the input's auth (bit 1).
func FuzzGraphQL(f *testing.F) {
	seeds := []struct {
		query, vars, op string
	}{
		{`{ tokens(sortBy: Name) { totalResults results { name expireAt } } }`, ``, ``},
		{`query { viewer { id username isRoot token { id } } }`, `null`, ``},
		{`mutation { createPersonalUserTokenV2(input: { expireAt: null }) { token tokenMetadata { name } } }`, ``, ``},
		{`mutation CreatePublicDashboardLink { createReadonlyToken(id: "abc123" name: "Wall" queryOwnershipType: Organization) { name token } }`, ``, `CreatePublicDashboardLink`},
		{`mutation($e: Long) { createSystemPermissionsTokenV2(input: {name: "x", expireAt: $e, systemPermissions: [ReadHealthCheck]}) { token } }`, `{"e": 1.5}`, ``},
		{`mutation($e: Long) { createSystemPermissionsTokenV2(input: {name: "x", expireAt: $e, systemPermissions: [ReadHealthCheck]}) { token } }`, `{"e": 99999999999999999999}`, ``},
		{`mutation { deleteToken(input: {id: "` + clusterMgmtID + `"}) a: deleteToken(input: {id: "nope"}) }`, ``, ``},
		{`mutation { rotateToken(input: {id: "` + testerID + `"}) }`, ``, ``},
		{`mutation { createIPFilter(input: {name: "x", ipFilter: "allow 300.1.1.1/99"}) { id } }`, ``, ``},
		{`mutation { updateTokenSecurityPolicies(input: {personalUserTokensEnabled: false, viewPermissionTokensEnabled: true, viewPermissionTokensAllowPermissionUpdates: true, organizationPermissionTokensEnabled: true, organizationPermissionTokensAllowPermissionUpdates: true, systemPermissionTokensEnabled: true, systemPermissionTokensAllowPermissionUpdates: true}) { id } }`, ``, ``},
		{`{ tokens(sortBy: Name, skip: -1, limit: 99999) { totalResults } }`, ``, ``},
		{`{ a { b { c { d { e { f { g { h { i { j { k { l { m { n { o { p { q { r { s { t { u } } } } } } } } } } } } } } } } } } } } }`, ``, ``},
		{`fragment A on Query { ...B } fragment B on Query { ...A } { ...A }`, ``, ``},
		{`subscription { tokens }`, ``, ``},
		{`{ __schema { types { name fields { name } } } }`, `{}`, ``},
		{`query Q($id: String!) { token(tokenId: $id) { __typename name } }`, `{"id": null}`, `Q`},
		{`query Q { ipFilters { id } } query R { viewer { id } }`, ``, `S`},
		{"\x00{", `[`, ``},
		{`mutation { updateIPFilter(input: {id: "` + officeFilterID + `", name: "x", ipFilter: "allow nonsense"}) { id } }`, ``, ``},
		{`mutation { updateIPFilter(input: {id: "nope", name: "x"}) { id } }`, ``, ``},
		{`mutation { deleteIPFilter(input: {id: "nope"}) }`, ``, ``},
		{`mutation { deleteReadonlyToken(id: "abc123", token: "nope") { result } }`, ``, ``},
		{`mutation { createReadonlyToken(id: "nope", name: "x") { token } }`, ``, ``},
		{`mutation { createReadonlyToken(id: "abc123", name: "x", ipFilterId: "nope", queryOwnershipType: User) { token } }`, ``, ``},
		{`mutation { updateSystemPermissionsTokenPermissions(input: {id: "` + clusterMgmtID + `", permissions: [ReadHealthCheck]}) }`, ``, ``},
		{`mutation { createPersonalUserTokenV2(input: {expireAt: 1000}) { token } }`, ``, ``},
		{`mutation { rotateToken(input: {id: "nope"}) }`, ``, ``},
		{`mutation { createViewPermissionsTokenV2(input: {name: "x", viewIds: ["nope"], viewPermissions: [ReadAccess]}) { token } }`, ``, ``},
		{`mutation { addIngestTokenV3(input: {repositoryName: "production", name: "fluent-bit"}) { token } }`, ``, ``},
		{`mutation { addIngestTokenV3(input: {repositoryName: "production", name: "x", parser: "nope"}) { token } }`, ``, ``},
		{`mutation { addIngestTokenV3(input: {repositoryName: "all-logs", name: "x"}) { token } }`, ``, ``},
		{`mutation { addIngestTokenV3(input: {repositoryName: "audit", name: "x", customToken: "` + fluentBitToken + `"}) { token } }`, ``, ``},
		{`mutation { addIngestTokenV3(input: {repositoryName: "audit", name: "x", customToken: "a b"}) { token } }`, ``, ``},
		{`mutation { addIngestTokenV3(input: {repositoryName: "audit", name: "x", parser: "kv"}) { name token parser { id name isBuiltIn } } }`, ``, ``},
		{`mutation { assignParserToIngestTokenV2(input: {repositoryName: "production", tokenName: "splunk-forwarder", parser: "nope"}) { name } }`, ``, ``},
		{`mutation { assignParserToIngestTokenV2(input: {repositoryName: "audit", tokenName: "fluent-bit", parser: "json"}) { name } }`, ``, ``},
		{`mutation { unassignIngestToken(repositoryName: "production", tokenName: "nope") { repository { name } } }`, ``, ``},
		{`mutation { removeIngestToken(repositoryName: "nope", name: "fluent-bit") { result } }`, ``, ``},
		{`mutation { removeIngestToken(repositoryName: "production", name: "fluent-bit") { result } a: removeIngestToken(repositoryName: "production", name: "fluent-bit") { result } }`, ``, ``},
		{`{ repository(name: "production") { ingestTokens { name } parsers { id name displayName description isBuiltIn } parser(name: "kv") { id } } }`, ``, ``},
		{`query { viewer { ...F } } fragment F on NoSuchType { id }`, ``, ``},
		{`mutation M($i: IPFilterInput!) { a: createIPFilter(input: $i) { id } b: createIPFilter(input: $i) { id } }`, `{"i": {"name": "n", "ipFilter": "deny 10.0.0.0/33"}}`, `M`},
	}
	seeds = append(seeds, struct{ query, vars, op string }{repeatedFields(2500, "ipFilters{id} "), "", ""},
		struct{ query, vars, op string }{doublingFragments(25), "", ""})
	for i, s := range seeds {
		f.Add([]byte(nil), s.query, s.vars, s.op, "", uint8(i*8), uint8(0))
	}
	for i, q := range fuzzSeedQueries(f) {
		f.Add([]byte(nil), q[0], `{"Id":"`+clusterMgmtID+`","Name":"n","ViewIds":["`+allLogsID+`"],"ViewPermissions":["ReadAccess"],"RepositoryName":"production","IngestTokenName":"fluent-bit","ParserName":"nope"}`, q[1], "", uint8(i*8), uint8(0))
	}
	for _, b := range []string{``, `not json`, `{}`, `[]`, `null`, `{"query": 1}`, `{"query": null}`, `{"query": "{ ipFilters { id } }", "variables": "x"}`,
		`{"query": "{ ipFilters { id } }", "operationName": 7}`, `{"query": "{ ipFilters { id } }", "extensions": {"a": 1}}`, `{"query":"\ud800"}`} {
		f.Add([]byte(b), "", "", "", "", uint8(0), uint8(1))
	}
	for _, a := range []string{"Bearer", "Bearer ", "bearer " + fixtures.LogScaleToken, "Basic YWJjOmRlZg==", "Bearer ~", "Bearer " + adminTokenID + "~", "Bearer \t" + fixtures.LogScaleToken + " ", "Bearer a~b~c"} {
		f.Add([]byte(nil), `{ viewer { id } }`, ``, ``, a, uint8(0), uint8(2))
	}

	srv, err := fake.NewServer(fake.WithSeed(3), fake.WithTime(fixedTime))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(srv.Close)
	h := srv.Handler()
	var before, beforeNext string

	f.Fuzz(func(t *testing.T, body []byte, query, vars, op, auth string, mode, flags uint8) {
		srv.Reset()
		if before == "" {
			before, beforeNext = fuzzState(t, h)
			srv.Reset()
		}
		if flags&1 == 0 {
			m := map[string]any{"query": query}
			if json.Valid([]byte(vars)) {
				m["variables"] = json.RawMessage(vars)
			}
			if op != "" {
				m["operationName"] = op
			}
			var err error
			if body, err = json.Marshal(m); err != nil {
				t.Skip()
			}
		}
		method := fuzzMethods[int(mode&7)%len(fuzzMethods)]
		req := httptest.NewRequest(method, "/graphql?id="+url.QueryEscape(op), bytes.NewReader(body))
		req.RemoteAddr = fuzzRemotes[int(mode>>6)%len(fuzzRemotes)]
		cred := fuzzAuth[int(mode>>3&7)%len(fuzzAuth)]
		if flags&2 != 0 {
			cred = auth
		}
		if cred != "" {
			req.Header["Authorization"] = []string{cred}
		}
		req.Header.Set("Content-Type", "application/json")
		rec := apitest.Serve(t, h, req)

		if !fuzzAllowed[rec.Code] {
			t.Fatalf("status %d, want one of 200, 400, 401, 403, 405, 413; body %q", rec.Code, rec.Body)
		}
		mt, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		if err != nil {
			t.Fatalf("status %d: content type %q: %v", rec.Code, rec.Header().Get("Content-Type"), err)
		}
		failed := rec.Code != http.StatusOK
		if rec.Code == http.StatusOK {
			if mt != "application/json" {
				t.Fatalf("200 with content type %q", mt)
			}
			var res map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatalf("200 body is not a JSON object: %v: %q", err, rec.Body)
			}
			_, hasData := res["data"]
			_, hasErrors := res["errors"]
			if !hasData && !hasErrors {
				t.Fatalf("200 body has neither data nor errors: %q", rec.Body)
			}
			for k := range res {
				if k != "data" && k != "errors" {
					t.Fatalf("200 body has member %q: %q", k, rec.Body)
				}
			}
			if hasErrors {
				var errs []struct {
					Message *string `json:"message"`
				}
				if err := json.Unmarshal(res["errors"], &errs); err != nil || len(errs) == 0 {
					t.Fatalf("errors is not a non-empty list of errors: %v: %q", err, rec.Body)
				}
				for _, e := range errs {
					if e.Message == nil {
						t.Fatalf("an error without a message: %q", rec.Body)
					}
				}
			}
			failed = !hasData || rootFieldsFailed(body, res["errors"])
		} else {
			if mt != "text/plain" {
				t.Fatalf("%d with content type %q", rec.Code, mt)
			}
			if rec.Body.Len() == 0 {
				t.Fatalf("%d with an empty body", rec.Code)
			}
		}
		if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") != http.MethodPost {
			t.Fatalf("405 with Allow %q", rec.Header().Get("Allow"))
		}
		if failed {
			after, next := fuzzState(t, h)
			if after != before {
				t.Fatalf("a failed request (%d %q) changed the state:\nbefore %s\nafter  %s", rec.Code, rec.Body, before, after)
			}
			if next != beforeNext {
				t.Fatalf("a failed request (%d %q) drew from the id generator: next token %s, want %s", rec.Code, rec.Body, next, beforeNext)
			}
		}
	})
}
