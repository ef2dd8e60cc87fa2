package logscale_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fixtures"
)

// The operation files in testdata/logscale/clients hold operations shaped
// like those real LogScale clients send: the same root fields, arguments,
// variable types and selections (with the __typename that genqlient adds to
// selections on interfaces). TestClientOperations sends them the way those
// clients do.

// clientDoc is one operation of a client file, ready to send: the operation
// and the fragments it uses, as a generated client prints them.
type clientDoc struct {
	name  string
	query string
}

var (
	clientDocsOnce sync.Once
	clientDocs     map[string]map[string]clientDoc // file -> operation -> document
	clientDocsErr  error
)

// loadClientDocs reads every operation file once.
func loadClientDocs() (map[string]map[string]clientDoc, error) {
	clientDocsOnce.Do(func() {
		dir := filepath.Join("..", "..", "..", "testdata", "logscale", "clients")
		files, err := filepath.Glob(filepath.Join(dir, "*.graphql"))
		if err != nil || len(files) == 0 {
			clientDocsErr = fmt.Errorf("no operation files in %s: %v", dir, err)
			return
		}
		clientDocs = map[string]map[string]clientDoc{}
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				clientDocsErr = fmt.Errorf("read %s: %w", path, err)
				return
			}
			doc, perr := parser.ParseQuery(&ast.Source{Name: path, Input: string(src)})
			if perr != nil {
				clientDocsErr = fmt.Errorf("parse %s: %w", path, perr)
				return
			}
			ops := map[string]clientDoc{}
			for _, op := range doc.Operations {
				one := &ast.QueryDocument{Operations: ast.OperationList{op}}
				seen := map[string]bool{}
				var walk func(ast.SelectionSet)
				walk = func(set ast.SelectionSet) {
					for _, s := range set {
						switch s := s.(type) {
						case *ast.Field:
							walk(s.SelectionSet)
						case *ast.InlineFragment:
							walk(s.SelectionSet)
						case *ast.FragmentSpread:
							if !seen[s.Name] {
								seen[s.Name] = true
								f := doc.Fragments.ForName(s.Name)
								one.Fragments = append(one.Fragments, f)
								walk(f.SelectionSet)
							}
						}
					}
				}
				walk(op.SelectionSet)
				var buf bytes.Buffer
				formatter.NewFormatter(&buf).FormatQueryDocument(one)
				ops[op.Name] = clientDoc{name: op.Name, query: buf.String()}
			}
			clientDocs[filepath.Base(path)] = ops
		}
	})
	return clientDocs, clientDocsErr
}

var (
	fakeSchemaOnce sync.Once
	fakeSchema     *ast.Schema
	fakeSchemaErr  error
)

// schemaOf returns the fake's SDL loaded by gqlparser (a second, independent
// GraphQL implementation).
func schemaOf(t *testing.T) *ast.Schema {
	t.Helper()
	fakeSchemaOnce.Do(func() {
		fakeSchema, fakeSchemaErr = gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: logscale.Schema()})
	})
	if fakeSchemaErr != nil {
		t.Fatalf("load the fake's schema: %v", fakeSchemaErr)
	}
	return fakeSchema
}

// opClient sends the operations of one file the way a genqlient client with
// the LogScale operator's transport does: POST <url>/graphql?id=<Operation>,
// a JSON body with query, variables (explicit nulls kept) and operationName.
type opClient struct {
	t     *testing.T
	srv   *fake.Server
	token string
	file  string
	// noID leaves ?id=<Operation> off the URL, as plain genqlient clients do.
	noID bool
}

// opResult is one answer.
type opResult struct {
	status int
	body   []byte
	data   any
	errors []gqlError
	doc    *ast.QueryDocument
}

func (c opClient) call(op string, vars map[string]any) opResult {
	c.t.Helper()
	docs, err := loadClientDocs()
	if err != nil {
		c.t.Fatal(err)
	}
	d, ok := docs[c.file][op]
	if !ok {
		c.t.Fatalf("no operation %q in %s", op, c.file)
	}
	req := struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables,omitempty"`
		OperationName string         `json:"operationName"`
	}{d.query, vars, d.name}
	body, err := json.Marshal(req)
	if err != nil {
		c.t.Fatalf("marshal: %v", err)
	}
	path := "/graphql?id=" + d.name
	if c.noID {
		path = "/graphql"
	}
	return c.send(op, d.query, path, body)
}

// raw sends a query as shurcooL-graphql clients do: POST <url>/graphql with
// a JSON body of query and, when there are any, variables.
func (c opClient) raw(query string, vars map[string]any) opResult {
	c.t.Helper()
	req := struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables,omitempty"`
	}{query, vars}
	body, err := json.Marshal(req)
	if err != nil {
		c.t.Fatalf("marshal: %v", err)
	}
	return c.send(query, query, "/graphql", body)
}

// send posts body to path and decodes the answer; query is validated
// against the fake's schema first, to check the answer's shape with.
func (c opClient) send(op, query, path string, body []byte) opResult {
	c.t.Helper()
	parsed, errs := gqlparser.LoadQuery(schemaOf(c.t), query)
	if len(errs) > 0 {
		c.t.Fatalf("%s is not valid against the fake's schema: %v", op, errs)
	}
	hreq, err := http.NewRequest(http.MethodPost, c.srv.URL()+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatalf("new request: %v", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("User-Agent", "Humio-go-client/unknown")
	if c.token != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.srv.Client().Do(hreq)
	if err != nil {
		c.t.Fatalf("%s: %v", op, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	out := opResult{status: res.StatusCode, body: b, doc: parsed}
	if res.StatusCode != http.StatusOK {
		return out
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		c.t.Fatalf("%s: Content-Type = %q, want application/json", op, ct)
	}
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		c.t.Fatalf("%s: body is not JSON: %v\n%s", op, err, b)
	}
	out.errors = env.Errors
	if len(env.Data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(env.Data))
		dec.UseNumber()
		if err := dec.Decode(&out.data); err != nil {
			c.t.Fatalf("%s: data: %v", op, err)
		}
	}
	return out
}

// ok runs op, fails unless the answer is 200 without errors and its data has
// exactly the shape the operation asks for, and returns the data.
func (c opClient) ok(op string, vars map[string]any) map[string]any {
	c.t.Helper()
	return c.okResult(op, c.call(op, vars))
}

// rawOK is ok for raw.
func (c opClient) rawOK(query string, vars map[string]any) map[string]any {
	c.t.Helper()
	return c.okResult(query, c.raw(query, vars))
}

func (c opClient) okResult(op string, r opResult) map[string]any {
	c.t.Helper()
	if r.status != http.StatusOK {
		c.t.Fatalf("%s: status %d: %s", op, r.status, r.body)
	}
	if len(r.errors) > 0 {
		c.t.Fatalf("%s: errors: %s", op, r.body)
	}
	m, isMap := r.data.(map[string]any)
	if !isMap {
		c.t.Fatalf("%s: data is not an object: %s", op, r.body)
	}
	checkShape(c.t, schemaOf(c.t), r.doc, m)
	return m
}

// fails runs op and returns its errors, failing unless the answer is 200
// with errors and whatever data there is has the asked-for shape.
func (c opClient) fails(op string, vars map[string]any) ([]gqlError, any) {
	c.t.Helper()
	r := c.call(op, vars)
	if r.status != http.StatusOK {
		c.t.Fatalf("%s: status %d: %s", op, r.status, r.body)
	}
	if len(r.errors) == 0 {
		c.t.Fatalf("%s: no errors: %s", op, r.body)
	}
	return r.errors, r.data
}

// checkShape fails t unless data holds exactly the fields the document's
// operation selects, each typed as the schema says: non-null fields are not
// null, lists are arrays, String and IDs are strings, Int and Long integers,
// Boolean booleans, enums their values, and __typename a possible type.
func checkShape(t *testing.T, schema *ast.Schema, doc *ast.QueryDocument, data map[string]any) {
	t.Helper()
	if problems := shapeProblems(schema, doc, data); len(problems) > 0 {
		t.Errorf("%s: the answer does not have the shape of the schema:\n%s", doc.Operations[0].Name, strings.Join(problems, "\n"))
	}
}

// shapeProblems lists what in data differs from what doc's operation asks for.
func shapeProblems(schema *ast.Schema, doc *ast.QueryDocument, data map[string]any) []string {
	op := doc.Operations[0]
	root := schema.Query
	if op.Operation == ast.Mutation {
		root = schema.Mutation
	}
	var problems []string
	var check func(path string, typ *ast.Type, set ast.SelectionSet, v any)
	check = func(path string, typ *ast.Type, set ast.SelectionSet, v any) {
		if v == nil {
			if typ.NonNull {
				problems = append(problems, path+": null for non-null "+typ.String())
			}
			return
		}
		if typ.Elem != nil {
			list, ok := v.([]any)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %T for list %s", path, v, typ))
				return
			}
			for i, e := range list {
				check(fmt.Sprintf("%s[%d]", path, i), typ.Elem, set, e)
			}
			return
		}
		def := schema.Types[typ.NamedType]
		switch def.Kind {
		case ast.Scalar:
			checkScalar(&problems, path, def.Name, v)
		case ast.Enum:
			s, ok := v.(string)
			if !ok || def.EnumValues.ForName(s) == nil {
				problems = append(problems, fmt.Sprintf("%s: %v is not a %s", path, v, def.Name))
			}
		default:
			obj, ok := v.(map[string]any)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %T for %s", path, v, def.Name))
				return
			}
			concrete := def
			if tn, ok := obj["__typename"].(string); ok {
				concrete = schema.Types[tn]
				if concrete == nil || !slices.Contains(schema.GetPossibleTypes(def), concrete) {
					problems = append(problems, fmt.Sprintf("%s: __typename %q is not a %s", path, tn, def.Name))
					return
				}
			} else if def.IsAbstractType() {
				problems = append(problems, path+": no __typename on "+def.Name)
				return
			}
			fields := collect(schema, concrete, set)
			for key, f := range fields {
				fv, present := obj[key]
				if !present {
					problems = append(problems, path+"."+key+": missing")
					continue
				}
				if f.Name == "__typename" {
					if fv != concrete.Name {
						problems = append(problems, fmt.Sprintf("%s.__typename = %v, want %s", path, fv, concrete.Name))
					}
					continue
				}
				check(path+"."+key, f.Definition.Type, f.SelectionSet, fv)
			}
			for key := range obj {
				if _, asked := fields[key]; !asked {
					problems = append(problems, path+"."+key+": not selected")
				}
			}
		}
	}
	fields := collect(schema, root, op.SelectionSet)
	for key, f := range fields {
		v, present := data[key]
		if !present {
			problems = append(problems, key+": missing")
			continue
		}
		check(key, f.Definition.Type, f.SelectionSet, v)
	}
	for key := range data {
		if _, asked := fields[key]; !asked {
			problems = append(problems, key+": not selected")
		}
	}
	return problems
}

// TestShapeProblems checks that the shape check finds each kind of mismatch.
func TestShapeProblems(t *testing.T) {
	t.Parallel()
	schema := schemaOf(t)
	const query = `query Q { tokens(sortBy: Name) { totalResults results { __typename id expireAt
		... on ViewPermissionsToken { permissions views { __typename id } } } } }`
	doc, errs := gqlparser.LoadQuery(schema, query)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	good := `{"tokens":{"totalResults":1,"results":[{"__typename":"ViewPermissionsToken","id":"a","expireAt":null,
		"permissions":["ReadAccess"],"views":[{"__typename":"View","id":"v"}]}]}}`
	tests := []struct {
		name, data, want string
	}{
		{"matches", good, ""},
		{"missing field", `{"tokens":{"totalResults":1,"results":[{"__typename":"SystemPermissionsToken"}]}}`, "tokens.results[0].id: missing"},
		{"extra field", `{"tokens":{"totalResults":1,"results":[{"__typename":"SystemPermissionsToken","id":"a","expireAt":null,"permissions":[]}]}}`, "permissions: not selected"},
		{"null for non-null", `{"tokens":{"totalResults":null,"results":[]}}`, "tokens.totalResults: null"},
		{"Long as a string", `{"tokens":{"totalResults":1,"results":[{"__typename":"PersonalUserToken","id":"a","expireAt":"1"}]}}`, "is not a Long"},
		{"Long as a float", `{"tokens":{"totalResults":1,"results":[{"__typename":"PersonalUserToken","id":"a","expireAt":1.5e12}]}}`, "is not a Long"},
		{"Int out of range", `{"tokens":{"totalResults":3000000000,"results":[]}}`, "is not a Int"},
		{"unknown __typename", `{"tokens":{"totalResults":1,"results":[{"__typename":"IngestToken","id":"a","expireAt":null}]}}`, "is not a Token"},
		{"no __typename on an interface", `{"tokens":{"totalResults":1,"results":[{"id":"a","expireAt":null}]}}`, "no __typename"},
		{"object for a list", `{"tokens":{"totalResults":1,"results":{}}}`, "for list"},
		{"extra root field", `{"tokens":{"totalResults":0,"results":[]},"viewer":{}}`, "viewer: not selected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dec := json.NewDecoder(strings.NewReader(tc.data))
			dec.UseNumber()
			var data map[string]any
			if err := dec.Decode(&data); err != nil {
				t.Fatal(err)
			}
			got := strings.Join(shapeProblems(schema, doc, data), "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Errorf("problems = %q, want one containing %q", got, tc.want)
			}
		})
	}
}

// collect returns the fields of set that apply to an object of type concrete,
// by response key.
func collect(schema *ast.Schema, concrete *ast.Definition, set ast.SelectionSet) map[string]*ast.Field {
	out := map[string]*ast.Field{}
	applies := func(cond string) bool {
		if cond == "" || cond == concrete.Name {
			return true
		}
		return slices.ContainsFunc(schema.GetImplements(concrete), func(d *ast.Definition) bool { return d.Name == cond })
	}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if prev, ok := out[s.Alias]; ok {
					merged := *prev
					merged.SelectionSet = append(slices.Clone(prev.SelectionSet), s.SelectionSet...)
					out[s.Alias] = &merged
				} else {
					out[s.Alias] = s
				}
			case *ast.InlineFragment:
				if applies(s.TypeCondition) {
					walk(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if applies(s.Definition.TypeCondition) {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return out
}

// checkScalar checks one scalar value.
func checkScalar(problems *[]string, path, scalar string, v any) {
	bad := func() { *problems = append(*problems, fmt.Sprintf("%s: %v (%T) is not a %s", path, v, v, scalar)) }
	switch scalar {
	case "String", "ID", "RepoOrViewName":
		if _, ok := v.(string); !ok {
			bad()
		}
	case "DateTime":
		s, ok := v.(string)
		if !ok {
			bad()
		} else if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			bad()
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			bad()
		}
	case "Int", "Long":
		n, ok := v.(json.Number)
		if !ok {
			bad()
			return
		}
		i, err := n.Int64()
		if err != nil || (scalar == "Int" && (i > math.MaxInt32 || i < math.MinInt32)) {
			bad()
		}
	default:
		*problems = append(*problems, path+": unknown scalar "+scalar)
	}
}

// dig walks decoded JSON along path (object keys and list indexes).
func dig(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch p := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: not an object: %v", p, v)
			}
			v = m[p]
		case int:
			l, ok := v.([]any)
			if !ok || p >= len(l) {
				t.Fatalf("at [%d]: not a list that long: %v", p, v)
			}
			v = l[p]
		}
	}
	return v
}

// digStr is dig for strings.
func digStr(t *testing.T, v any, path ...any) string {
	t.Helper()
	s, ok := dig(t, v, path...).(string)
	if !ok {
		t.Fatalf("at %v: not a string: %v", path, dig(t, v, path...))
	}
	return s
}

// digLen is the length of the list at path.
func digLen(t *testing.T, v any, path ...any) int {
	t.Helper()
	l, ok := dig(t, v, path...).([]any)
	if !ok {
		t.Fatalf("at %v: not a list: %v", path, dig(t, v, path...))
	}
	return len(l)
}

// idOf returns the part of a token string before the tilde.
func idOf(t *testing.T, tok string) string {
	t.Helper()
	id, secret, ok := strings.Cut(tok, "~")
	if !ok || id == "" || secret == "" {
		t.Fatalf("token %q is not <id>~<secret>", tok)
	}
	return id
}

// strs turns a decoded JSON list of strings into a sorted []string.
func strs(t *testing.T, v any) []string {
	t.Helper()
	l, ok := v.([]any)
	if !ok {
		t.Fatalf("not a list: %v", v)
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, ok := e.(string)
		if !ok {
			t.Fatalf("not a string: %v", e)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Queries as shurcooL-graphql builds them from the structs of the deprecated
// humio Go client: compact, anonymous, literal arguments.
const (
	shurcoolViewer        = `{viewer{username}}`
	shurcoolUserFields    = `{id,username,fullName,email,company,countryCode,picture,isRoot,createdAt}`
	shurcoolUsers         = `{users` + shurcoolUserFields + `}`
	shurcoolUsersSearch   = `query($username:String!){users(search: $username)` + shurcoolUserFields + `}`
	shurcoolPersonalToken = `mutation{createPersonalUserToken(input: {})}`
)

// allowPermissionUpdates is the operator's test setup: every policy on,
// with permission updates allowed.
var allowPermissionUpdates = map[string]any{"input": map[string]any{
	"personalUserTokensEnabled":                            true,
	"personalUserTokensEnforceExpirationAfterMs":           nil,
	"personalUserTokensEnforceIpFilterId":                  nil,
	"viewPermissionTokensEnabled":                          true,
	"viewPermissionTokensEnforceExpirationAfterMs":         nil,
	"viewPermissionTokensEnforceIpFilterId":                nil,
	"viewPermissionTokensAllowPermissionUpdates":           true,
	"organizationPermissionTokensEnabled":                  true,
	"organizationPermissionTokensEnforceExpirationAfterMs": nil,
	"organizationPermissionTokensEnforceIpFilterId":        nil,
	"organizationPermissionTokensAllowPermissionUpdates":   true,
	"systemPermissionTokensEnabled":                        true,
	"systemPermissionTokensEnforceExpirationAfterMs":       nil,
	"systemPermissionTokensEnforceIpFilterId":              nil,
	"systemPermissionTokensAllowPermissionUpdates":         true,
}}

// TestClientOperations runs operations shaped like those of real LogScale
// clients, over their transport, and checks each answer's shape against the
// schema and its content against the fake's state.
func TestClientOperations(t *testing.T) {
	t.Parallel()
	expireAt := fixedTime.Add(30 * 24 * time.Hour).UnixMilli()
	tests := []struct {
		name string
		file string
		run  func(t *testing.T, c opClient)
	}{
		{"operator: view token lifecycle", "operator.graphql", func(t *testing.T, c opClient) {
			sd := c.ok("GetSearchDomain", map[string]any{"SearchDomainName": "all-logs"})
			if got := digStr(t, sd, "searchDomain", "__typename"); got != "View" {
				t.Errorf("searchDomain.__typename = %q, want View", got)
			}
			viewID := digStr(t, sd, "searchDomain", "id")
			created := c.ok("CreateViewToken", map[string]any{
				"Name": "k8s view token", "IPFilterId": nil, "ExpiresAt": nil,
				"ViewIds": []string{viewID}, "ViewPermissions": []string{"ReadAccess", "ChangeDashboards"},
			})
			id := idOf(t, digStr(t, created, "createViewPermissionsToken"))
			got := c.ok("GetViewToken", map[string]any{"Id": id})
			if n := digLen(t, got, "tokens", "results"); n != 1 {
				t.Fatalf("GetViewToken found %d tokens, want 1", n)
			}
			tok := dig(t, got, "tokens", "results", 0)
			if digStr(t, tok, "__typename") != "ViewPermissionsToken" || digStr(t, tok, "id") != id || digStr(t, tok, "name") != "k8s view token" {
				t.Errorf("token = %v", tok)
			}
			if dig(t, tok, "expireAt") != nil || dig(t, tok, "ipFilterV2") != nil {
				t.Errorf("expireAt, ipFilterV2 = %v, %v; want null, null", dig(t, tok, "expireAt"), dig(t, tok, "ipFilterV2"))
			}
			if digStr(t, tok, "views", 0, "id") != viewID || digStr(t, tok, "views", 0, "__typename") != "View" {
				t.Errorf("views = %v", dig(t, tok, "views"))
			}
			want := []string{"CreateDashboards", "DeleteDashboards", "OrganizationOwnedQueries", "ReadAccess", "UpdateDashboards"}
			if p := strs(t, dig(t, tok, "permissions")); !slices.Equal(p, want) {
				t.Errorf("permissions = %v, want %v", p, want)
			}
			// Other kinds' filters do not find it.
			if n := digLen(t, c.ok("GetSystemToken", map[string]any{"Id": id}), "tokens", "results"); n != 0 {
				t.Errorf("GetSystemToken found %d view tokens", n)
			}
			c.ok("UpdateTokenSecurityPolicies", allowPermissionUpdates)
			upd := c.ok("UpdateViewToken", map[string]any{"Id": id, "ViewPermissions": []string{"ReadAccess"}})
			if digStr(t, upd, "updateViewPermissionsTokenPermissions") != id {
				t.Errorf("update answered %v, want the token id", upd)
			}
			got = c.ok("GetViewToken", map[string]any{"Id": id})
			if p := strs(t, dig(t, got, "tokens", "results", 0, "permissions")); !slices.Equal(p, []string{"OrganizationOwnedQueries", "ReadAccess"}) {
				t.Errorf("permissions after update = %v", p)
			}
			rotated := digStr(t, c.ok("RotateToken", map[string]any{"Id": id}), "rotateToken")
			newID := idOf(t, rotated)
			if newID == id {
				t.Errorf("rotation kept the id %s", id)
			}
			if n := digLen(t, c.ok("GetViewToken", map[string]any{"Id": id}), "tokens", "results"); n != 0 {
				t.Errorf("the rotated-away id still finds %d tokens", n)
			}
			if del := c.ok("DeleteToken", map[string]any{"Id": newID}); del["deleteToken"] != true {
				t.Errorf("deleteToken = %v, want true", del["deleteToken"])
			}
			if n := digLen(t, c.ok("GetViewToken", map[string]any{"Id": newID}), "tokens", "results"); n != 0 {
				t.Errorf("a deleted token is still found")
			}
		}},
		{"operator: system token with ip filter and expiry", "operator.graphql", func(t *testing.T, c opClient) {
			f := c.ok("CreateIPFilter", map[string]any{"Name": "k8s", "Filter": "allow 127.0.0.1\ndeny all"})
			filterID := digStr(t, f, "createIPFilter", "id")
			created := c.ok("CreateSystemToken", map[string]any{
				"Name": "k8s system token", "IPFilterId": filterID, "ExpiresAt": expireAt,
				"Permissions": []string{"ReadHealthCheck", "ManageCluster"},
			})
			id := idOf(t, digStr(t, created, "createSystemPermissionsToken"))
			tok := dig(t, c.ok("GetSystemToken", map[string]any{"Id": id}), "tokens", "results", 0)
			if digStr(t, tok, "__typename") != "SystemPermissionsToken" || digStr(t, tok, "ipFilterV2", "id") != filterID {
				t.Errorf("token = %v", tok)
			}
			if n, _ := dig(t, tok, "expireAt").(json.Number).Int64(); n != expireAt {
				t.Errorf("expireAt = %v, want %d", dig(t, tok, "expireAt"), expireAt)
			}
			if p := strs(t, dig(t, tok, "permissions")); !slices.Equal(p, []string{"ManageCluster", "ReadHealthCheck"}) {
				t.Errorf("permissions = %v", p)
			}
			c.ok("UpdateTokenSecurityPolicies", allowPermissionUpdates)
			if got := digStr(t, c.ok("UpdateSystemToken", map[string]any{"Id": id, "Permissions": []string{"ReadHealthCheck"}}), "updateSystemPermissionsTokenPermissions"); got != id {
				t.Errorf("update answered %q", got)
			}
			rotated := idOf(t, digStr(t, c.ok("RotateToken", map[string]any{"Id": id}), "rotateToken"))
			tok = dig(t, c.ok("GetSystemToken", map[string]any{"Id": rotated}), "tokens", "results", 0)
			if digStr(t, tok, "ipFilterV2", "id") != filterID || digStr(t, tok, "name") != "k8s system token" {
				t.Errorf("rotated token = %v", tok)
			}
			if del := c.ok("DeleteToken", map[string]any{"Id": rotated}); del["deleteToken"] != true {
				t.Errorf("deleteToken = %v", del)
			}
		}},
		{"operator: organization token", "operator.graphql", func(t *testing.T, c opClient) {
			created := c.ok("CreateOrganizationToken", map[string]any{
				"Name": "k8s org token", "IPFilterId": nil, "ExpiresAt": nil,
				"Permissions": []string{"ManageUsers", "ViewUsage"},
			})
			id := idOf(t, digStr(t, created, "createOrganizationPermissionsToken"))
			tok := dig(t, c.ok("GetOrganizationToken", map[string]any{"Id": id}), "tokens", "results", 0)
			if digStr(t, tok, "__typename") != "OrganizationPermissionsToken" || digStr(t, tok, "id") != id {
				t.Errorf("token = %v", tok)
			}
			if p := strs(t, dig(t, tok, "permissions")); !slices.Equal(p, []string{"ManageUsers", "ViewUsage"}) {
				t.Errorf("permissions = %v", p)
			}
			c.ok("UpdateTokenSecurityPolicies", allowPermissionUpdates)
			c.ok("UpdateOrganizationToken", map[string]any{"Id": id, "Permissions": []string{"ViewUsage"}})
			tok = dig(t, c.ok("GetOrganizationToken", map[string]any{"Id": id}), "tokens", "results", 0)
			if p := strs(t, dig(t, tok, "permissions")); !slices.Equal(p, []string{"ViewUsage"}) {
				t.Errorf("permissions after update = %v", p)
			}
		}},
		{"operator: a missing token is an empty result", "operator.graphql", func(t *testing.T, c opClient) {
			for _, op := range []string{"GetViewToken", "GetSystemToken", "GetOrganizationToken"} {
				got := c.ok(op, map[string]any{"Id": "NoSuchTokenIdNoSuchTokenId12345"})
				if n := digLen(t, got, "tokens", "results"); n != 0 {
					t.Errorf("%s found %d tokens", op, n)
				}
			}
		}},
		{"operator: permission updates refused by default", "operator.graphql", func(t *testing.T, c opClient) {
			errs, _ := c.fails("UpdateSystemToken", map[string]any{"Id": clusterMgmtID, "Permissions": []string{"ReadHealthCheck"}})
			if len(errs) != 1 || !strings.Contains(errs[0].Message, "not allowed") {
				t.Errorf("errors = %+v", errs)
			}
		}},
		{"operator: deleting and rotating unknown tokens", "operator.graphql", func(t *testing.T, c opClient) {
			for _, op := range []string{"DeleteToken", "RotateToken"} {
				errs, data := c.fails(op, map[string]any{"Id": "NoSuchTokenIdNoSuchTokenId12345"})
				if len(errs) != 1 || errs[0].Message != "Entity Not Found" || data != nil {
					t.Errorf("%s: errors = %+v, data = %v; want Entity Not Found and null data", op, errs, data)
				}
			}
		}},
		{"operator: ip filter lifecycle", "operator.graphql", func(t *testing.T, c opClient) {
			before := digLen(t, c.ok("GetIPFilters", nil), "ipFilters")
			f := c.ok("CreateIPFilter", map[string]any{"Name": "k8s", "Filter": "allow 10.0.0.0/8"})
			id := digStr(t, f, "createIPFilter", "id")
			if digStr(t, f, "createIPFilter", "name") != "k8s" || digStr(t, f, "createIPFilter", "ipFilter") != "allow 10.0.0.0/8" {
				t.Errorf("created = %v", f)
			}
			list := c.ok("GetIPFilters", nil)
			if n := digLen(t, list, "ipFilters"); n != before+1 || digStr(t, list, "ipFilters", n-1, "id") != id {
				t.Errorf("ipFilters = %v", list)
			}
			u := c.ok("UpdateIPFilter", map[string]any{"Id": id, "Name": "k8s-2", "Filter": "allow all"})
			if digStr(t, u, "updateIPFilter", "name") != "k8s-2" || digStr(t, u, "updateIPFilter", "ipFilter") != "allow all" {
				t.Errorf("updated = %v", u)
			}
			// Explicit nulls leave the fields as they are.
			u = c.ok("UpdateIPFilter", map[string]any{"Id": id, "Name": nil, "Filter": nil})
			if digStr(t, u, "updateIPFilter", "name") != "k8s-2" || digStr(t, u, "updateIPFilter", "ipFilter") != "allow all" {
				t.Errorf("after a null update = %v", u)
			}
			if d := c.ok("DeleteIPFilter", map[string]any{"Id": id}); d["deleteIPFilter"] != true {
				t.Errorf("deleteIPFilter = %v", d)
			}
			if n := digLen(t, c.ok("GetIPFilters", nil), "ipFilters"); n != before {
				t.Errorf("%d filters after delete, want %d", n, before)
			}
			errs, _ := c.fails("DeleteIPFilter", map[string]any{"Id": id})
			if len(errs) != 1 || errs[0].Message != "Entity Not Found" {
				t.Errorf("second delete: %+v", errs)
			}
		}},
		{"operator: security policies answer an Organization", "operator.graphql", func(t *testing.T, c opClient) {
			got := c.ok("UpdateTokenSecurityPolicies", allowPermissionUpdates)
			if digStr(t, got, "updateTokenSecurityPolicies", "__typename") != "Organization" {
				t.Errorf("got %v", got)
			}
			// The earlier form: personal tokens off, updates of system tokens only.
			got = c.ok("SetTokenSecurityPolicies", map[string]any{
				"PersonalUserTokensEnabled": false, "ViewPermissionTokensEnabled": true,
				"OrganizationPermissionTokensEnabled": true, "SystemPermissionTokensEnabled": true,
				"ViewPermissionTokensAllowPermissionUpdates": false, "OrganizationPermissionTokensAllowPermissionUpdates": false,
				"SystemPermissionTokensAllowPermissionUpdates": true,
			})
			if digStr(t, got, "updateTokenSecurityPolicies", "__typename") != "Organization" {
				t.Errorf("got %v", got)
			}
			c.ok("UpdateSystemToken", map[string]any{"Id": clusterMgmtID, "Permissions": []string{"ReadHealthCheck"}})
			// The input variable bound to a struct of the seven booleans only:
			// the enforcement fields are absent, not null.
			got = c.ok("UpdateTokenSecurityPolicies", map[string]any{"input": map[string]any{
				"personalUserTokensEnabled": false, "viewPermissionTokensEnabled": true,
				"organizationPermissionTokensEnabled": true, "systemPermissionTokensEnabled": true,
				"viewPermissionTokensAllowPermissionUpdates": false, "organizationPermissionTokensAllowPermissionUpdates": false,
				"systemPermissionTokensAllowPermissionUpdates": true,
			}})
			if digStr(t, got, "updateTokenSecurityPolicies", "__typename") != "Organization" {
				t.Errorf("got %v", got)
			}
			if errs, _ := c.fails("UpdateViewToken", map[string]any{"Id": jenkinsID, "ViewPermissions": []string{"ReadAccess"}}); len(errs) != 1 {
				t.Errorf("view token update: %+v", errs)
			}
			sc := opClient{t: t, srv: c.srv, token: c.token, file: "schema.graphql"}
			if errs, _ := sc.fails("CreatePersonalTokenV2", map[string]any{"input": map[string]any{"expireAt": nil, "ipFilterId": nil}}); len(errs) != 1 {
				t.Errorf("personal token creation: %+v", errs)
			}
		}},
		{"operator: the admin's personal token through the user id", "operator.graphql", func(t *testing.T, c opClient) {
			u := c.ok("GetUsersByUsername", map[string]any{"Username": "admin"})
			tok := digStr(t, c.ok("RotateToken", map[string]any{"Id": digStr(t, u, "users", 0, "id")}), "rotateToken")
			if r := c.call("GetIPFilters", nil); r.status != http.StatusUnauthorized {
				t.Errorf("the replaced token answered %d", r.status)
			}
			nc := opClient{t: t, srv: c.srv, token: tok, file: c.file}
			nc.ok("GetIPFilters", nil)
		}},
		{"operator: users and search domains", "operator.graphql", func(t *testing.T, c opClient) {
			u := c.ok("GetUsersByUsername", map[string]any{"Username": "jane.doe"})
			if digLen(t, u, "users") != 1 || digStr(t, u, "users", 0, "id") != janeID || dig(t, u, "users", 0, "isRoot") != false {
				t.Errorf("users = %v", u)
			}
			repo := c.ok("GetSearchDomain", map[string]any{"SearchDomainName": "production"})
			if digStr(t, repo, "searchDomain", "__typename") != "Repository" || digStr(t, repo, "searchDomain", "id") != productionID {
				t.Errorf("production = %v", repo)
			}
			view := c.ok("GetSearchDomain", map[string]any{"SearchDomainName": "all-logs"})
			if dig(t, view, "searchDomain", "isFederated") != false || digLen(t, view, "searchDomain", "connections") == 0 {
				t.Errorf("all-logs = %v", view)
			}
			all := c.ok("ListSearchDomains", nil)
			if digLen(t, all, "searchDomains") != 4 {
				t.Errorf("searchDomains = %v", all)
			}
			errs, data := c.fails("GetSearchDomain", map[string]any{"SearchDomainName": "nope"})
			if len(errs) != 1 || errs[0].Message != "Entity Not Found" || data != nil {
				t.Errorf("unknown search domain: errors %+v, data %v", errs, data)
			}
		}},
		{"cli: rotate, viewer and users", "cli.graphql", func(t *testing.T, c opClient) {
			if got := digStr(t, c.ok("GetUsername", nil), "viewer", "username"); got != "admin" {
				t.Errorf("viewer.username = %q", got)
			}
			users := c.ok("ListUsers", nil)
			if n := digLen(t, users, "users"); n != 3 {
				t.Errorf("%d users, want 3", n)
			}
			jane := c.ok("GetUsersByUsername", map[string]any{"Username": "jane"})
			if digStr(t, jane, "users", 0, "username") != "jane.doe" {
				t.Errorf("users = %v", jane)
			}
			sd := c.ok("GetSearchDomain", map[string]any{"SearchDomainName": "frontend"})
			if digStr(t, sd, "searchDomain", "__typename") != "View" {
				t.Errorf("frontend = %v", sd)
			}
			tok := digStr(t, c.ok("RotateTokenByID", map[string]any{"TokenID": vaultID}), "rotateToken")
			if idOf(t, tok) == vaultID {
				t.Errorf("rotation kept the id")
			}
			// A user's id rotates that user's personal token.
			tok = digStr(t, c.ok("RotateTokenByID", map[string]any{"TokenID": janeID}), "rotateToken")
			jc := opClient{t: t, srv: c.srv, token: tok, file: "cli.graphql"}
			if got := digStr(t, jc.ok("GetUsername", nil), "viewer", "username"); got != "jane.doe" {
				t.Errorf("the rotated personal token is %q's", got)
			}
		}},
		{"schema: V2 creations", "schema.graphql", func(t *testing.T, c opClient) {
			v := c.ok("CreateViewTokenV2", map[string]any{
				"Name": "v2 view", "ExpireAt": expireAt, "IPFilterId": officeFilterID, "ViewIds": []string{allLogsID, productionID},
				"Permissions": []string{"ReadAccess"}, "Assets": nil,
			})
			meta := dig(t, v, "createViewPermissionsTokenV2", "tokenMetadata")
			if idOf(t, digStr(t, v, "createViewPermissionsTokenV2", "token")) != digStr(t, meta, "id") {
				t.Errorf("token and tokenMetadata.id differ: %v", v)
			}
			if digStr(t, meta, "__typename") != "ViewPermissionsToken" || digLen(t, meta, "views") != 2 || digStr(t, meta, "ipFilterV2", "id") != officeFilterID {
				t.Errorf("tokenMetadata = %v", meta)
			}
			s := c.ok("CreateSystemTokenV2", map[string]any{"input": map[string]any{
				"name": "v2 system", "expireAt": nil, "ipFilterId": nil, "systemPermissions": []string{"ReadHealthCheck"},
			}})
			if digStr(t, s, "createSystemPermissionsTokenV2", "tokenMetadata", "__typename") != "SystemPermissionsToken" {
				t.Errorf("system = %v", s)
			}
			o := c.ok("CreateOrganizationTokenV2", map[string]any{"input": map[string]any{
				"name": "v2 org", "expireAt": nil, "ipFilterId": nil, "organizationPermissions": []string{"ViewUsage"},
			}})
			oid := digStr(t, o, "createOrganizationPermissionsTokenV2", "tokenMetadata", "id")
			got := c.ok("GetToken", map[string]any{"Id": oid})
			if digStr(t, got, "token", "__typename") != "OrganizationPermissionsToken" || digStr(t, got, "token", "name") != "v2 org" {
				t.Errorf("token(%s) = %v", oid, got)
			}
		}},
		{"schema: personal tokens and the viewer", "schema.graphql", func(t *testing.T, c opClient) {
			v := c.ok("GetViewer", nil)
			if digStr(t, v, "viewer", "token", "__typename") != "PersonalUserToken" || digStr(t, v, "viewer", "token", "id") != adminTokenID {
				t.Errorf("viewer = %v", v)
			}
			p := c.ok("CreatePersonalTokenV2", map[string]any{"input": map[string]any{"expireAt": nil, "ipFilterId": nil}})
			tok := digStr(t, p, "createPersonalUserTokenV2", "token")
			if digStr(t, p, "createPersonalUserTokenV2", "tokenMetadata", "__typename") != "PersonalUserToken" {
				t.Errorf("tokenMetadata = %v", p)
			}
			nc := opClient{t: t, srv: c.srv, token: tok, file: c.file}
			if got := digStr(t, nc.ok("GetViewer", nil), "viewer", "token", "id"); got != idOf(t, tok) {
				t.Errorf("viewer.token.id = %q, want %q", got, idOf(t, tok))
			}
			v1 := digStr(t, nc.ok("CreatePersonalToken", map[string]any{"input": map[string]any{"expireAt": expireAt, "ipFilterId": nil}}), "createPersonalUserToken")
			idOf(t, v1)
		}},
		{"schema: token by id, paged list and not found", "schema.graphql", func(t *testing.T, c opClient) {
			got := c.ok("GetToken", map[string]any{"Id": vaultID})
			if digStr(t, got, "token", "ipFilterV2", "id") != loopFilterID || digStr(t, got, "token", "ipFilter") == "" {
				t.Errorf("token = %v", got)
			}
			errs, data := c.fails("GetToken", map[string]any{"Id": "NoSuchTokenIdNoSuchTokenId12345"})
			if len(errs) != 1 || errs[0].Message != "Entity Not Found" || data != nil || fmt.Sprint(errs[0].Path) != "[token]" {
				t.Errorf("errors = %+v, data = %v", errs, data)
			}
			page := c.ok("ListTokens", map[string]any{
				"Search": nil, "Types": nil, "Parents": nil, "SortBy": "Name", "Order": nil, "Skip": nil, "Limit": 2,
			})
			total, _ := dig(t, page, "tokens", "totalResults").(json.Number).Int64()
			if total != 7 || digLen(t, page, "tokens", "results") != 2 {
				t.Errorf("page = %v", page)
			}
			page = c.ok("ListTokens", map[string]any{
				"Search": nil, "Types": []string{"SystemPermissionToken", "OrganizationPermissionToken"}, "Parents": nil,
				"SortBy": "ExpirationDate", "Order": "DESC", "Skip": 0, "Limit": 50,
			})
			n := digLen(t, page, "tokens", "results")
			if n != 4 {
				t.Errorf("type filter kept %d tokens, want the 4 system and organization tokens", n)
			}
			for i := range n {
				if tn := digStr(t, page, "tokens", "results", i, "__typename"); tn == "ViewPermissionsToken" {
					t.Errorf("type filter let a %s through", tn)
				}
			}
		}},
		{"schema: token security policies", "schema.graphql", func(t *testing.T, c opClient) {
			got := c.ok("GetTokenSecurityPolicies", nil)
			if dig(t, got, "organization", "configs", "tokens", "viewPermissionTokensAllowPermissionUpdates") != false {
				t.Errorf("policies = %v", got)
			}
		}},
		{"schema: read-only dashboard links", "schema.graphql", func(t *testing.T, c opClient) {
			l := c.ok("CreateReadonlyToken", map[string]any{"Id": "abc123", "Name": "wall", "IPFilterId": nil, "Ownership": nil})
			link := digStr(t, l, "createReadonlyToken", "token")
			if digStr(t, l, "createReadonlyToken", "queryOwnership", "__typename") != "OrganizationOwnership" || digStr(t, l, "createReadonlyToken", "createdBy") != "admin" {
				t.Errorf("link = %v", l)
			}
			links := c.ok("GetDashboardLinks", map[string]any{"SearchDomainName": "all-logs", "DashboardId": "abc123"})
			if n := digLen(t, links, "searchDomain", "dashboard", "readOnlyTokens"); n != 2 {
				t.Errorf("%d links, want 2", n)
			}
			d := c.ok("DeleteReadonlyToken", map[string]any{"Id": "abc123", "Token": link})
			if dig(t, d, "deleteReadonlyToken", "result") != true {
				t.Errorf("delete = %v", d)
			}
			errs, _ := c.fails("CreateReadonlyToken", map[string]any{"Id": "nope", "Name": "wall", "IPFilterId": nil, "Ownership": "User"})
			if len(errs) != 1 || errs[0].Message != "Entity Not Found" {
				t.Errorf("unknown dashboard: %+v", errs)
			}
		}},
		{"example: the viewer through a plain genqlient transport", "example.graphql", func(t *testing.T, c opClient) {
			c.noID = true
			v := c.ok("GetViewer", nil)
			if digStr(t, v, "viewer", "username") != "admin" || digStr(t, v, "viewer", "email") != "admin@example.com" {
				t.Errorf("viewer = %v", v)
			}
			if got := digStr(t, v, "viewer", "createdAt"); got != "2024-10-01T08:00:00Z" && got != "2024-10-01T08:00:00.000Z" {
				t.Errorf("viewer.createdAt = %q", got)
			}
		}},
		{"shurcooL: the deprecated humio client", "", func(t *testing.T, c opClient) {
			if got := digStr(t, c.rawOK(shurcoolViewer, nil), "viewer", "username"); got != "admin" {
				t.Errorf("viewer.username = %q", got)
			}
			if n := digLen(t, c.rawOK(shurcoolUsers, nil), "users"); n != 3 {
				t.Errorf("%d users", n)
			}
			u := c.rawOK(shurcoolUsersSearch, map[string]any{"username": "jane.doe"})
			if digStr(t, u, "users", 0, "id") != janeID {
				t.Errorf("users = %v", u)
			}
			tok := digStr(t, c.rawOK(shurcoolPersonalToken, nil), "createPersonalUserToken")
			nc := opClient{t: t, srv: c.srv, token: tok}
			if got := digStr(t, nc.rawOK(shurcoolViewer, nil), "viewer", "username"); got != "admin" {
				t.Errorf("the new personal token is %q's", got)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			tc.run(t, opClient{t: t, srv: srv, token: fixtures.LogScaleToken, file: tc.file})
		})
	}
}

// TestClientOperationsRejected checks the answers real clients read when
// authentication fails: a non-200 status with a text body (the operator's
// transport reports "returned error <status>: <body>").
func TestClientOperationsRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		token  string
		status int
		body   string
	}{
		{"unknown token", "NoSuchTokenIdNoSuchTokenId12345~secret", http.StatusUnauthorized, "The supplied authentication is invalid"},
		{"no token", "", http.StatusUnauthorized, "The supplied authentication is invalid"},
		{"expired token", testerToken, http.StatusUnauthorized, "The supplied authentication is invalid"},
		{"ip filter refuses loopback", wallToken, http.StatusForbidden, "Tokens can only be used from IP addresses accepted by the IP filter set for them if any."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			c := opClient{t: t, srv: srv, token: tc.token, file: "operator.graphql"}
			r := c.call("GetViewToken", map[string]any{"Id": "x"})
			if r.status != tc.status || string(r.body) != tc.body {
				t.Errorf("got %d %q, want %d %q", r.status, r.body, tc.status, tc.body)
			}
		})
	}
}

// TestClientOperationsValidAgainstLogScale checks that every client operation
// is valid against the signatures copied from LogScale's schema, so that the
// operations are ones a real client can send.
func TestClientOperationsValidAgainstLogScale(t *testing.T) {
	t.Parallel()
	docs, err := loadClientDocs()
	if err != nil {
		t.Fatal(err)
	}
	prelude, perr := parser.ParseSchema(validator.Prelude)
	if perr != nil {
		t.Fatalf("parse the prelude: %v", perr)
	}
	facts := loadFacts(t)
	sd := &ast.SchemaDocument{Directives: prelude.Directives}
	for _, d := range prelude.Definitions {
		if facts[d.Name] == nil {
			sd.Definitions = append(sd.Definitions, d)
		}
	}
	for _, d := range facts {
		sd.Definitions = append(sd.Definitions, d)
	}
	lsSchema, lerr := validator.ValidateSchemaDocument(sd)
	if lerr != nil {
		t.Fatalf("load LogScale's signatures: %v", lerr)
	}
	for _, q := range []string{shurcoolViewer, shurcoolUsers, shurcoolUsersSearch, shurcoolPersonalToken} {
		if _, errs := gqlparser.LoadQuery(lsSchema, q); len(errs) > 0 {
			t.Errorf("%s: %v", q, errs)
		}
	}
	n := 0
	for file, ops := range docs {
		for name, d := range ops {
			n++
			if _, errs := gqlparser.LoadQuery(lsSchema, d.query); len(errs) > 0 {
				t.Errorf("%s %s: %v", file, name, errs)
			}
		}
	}
	if n < 30 {
		t.Errorf("only %d client operations", n)
	}
}
