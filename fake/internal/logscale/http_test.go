package logscale_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fixtures"
)

func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	const createQuery = `{"query":"mutation { createSystemPermissionsToken(input: {name: \"x\", permissions: []}) }"}`
	tests := []struct {
		name       string
		method     string
		token      string
		body       string
		advance    time.Duration
		wantStatus int
		wantBody   string // exact; a prefix when it ends in "..."
		wantHeader map[string]string
	}{
		{name: "GET", method: http.MethodGet, token: fixtures.LogScaleToken, wantStatus: 405,
			wantBody: "HTTP method not allowed, supported methods: POST", wantHeader: map[string]string{"Allow": "POST"}},
		{name: "PUT", method: http.MethodPut, token: fixtures.LogScaleToken, body: createQuery, wantStatus: 405,
			wantBody: "HTTP method not allowed, supported methods: POST"},
		{name: "no token", body: createQuery, wantStatus: 401, wantBody: "The supplied authentication is invalid"},
		{name: "unknown token", token: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA~BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", body: createQuery,
			wantStatus: 401, wantBody: "The supplied authentication is invalid"},
		{name: "right id, wrong secret", token: adminTokenID + "~wrong", body: createQuery, wantStatus: 401,
			wantBody: "The supplied authentication is invalid"},
		{name: "no tilde", token: adminTokenID, body: createQuery, wantStatus: 401, wantBody: "The supplied authentication is invalid"},
		{name: "expired token", token: testerToken, body: createQuery, wantStatus: 401, wantBody: "The supplied authentication is invalid"},
		{name: "token expires by the fake clock", token: janeToken, body: createQuery, advance: 24 * 365 * 6 * time.Hour,
			wantStatus: 401, wantBody: "The supplied authentication is invalid"},
		{name: "IP filter refuses the caller", token: wallToken, body: createQuery, wantStatus: 403,
			wantBody: "Tokens can only be used from IP addresses accepted by the IP filter set for them if any."},
		{name: "malformed JSON", token: fixtures.LogScaleToken, body: `{"query": mutation }`, wantStatus: 400,
			wantBody: "The request content was malformed:\n..."},
		{name: "JSON of the wrong shape", token: fixtures.LogScaleToken, body: `["query"]`, wantStatus: 400,
			wantBody: "The request content was malformed:\n..."},
		{name: "no query", token: fixtures.LogScaleToken, body: `{"variables":{}}`, wantStatus: 400,
			wantBody: "The request content was malformed:\nthe request has no query"},
		{name: "body over the limit", token: fixtures.LogScaleToken,
			body:       `{"query":"mutation { createSystemPermissionsToken(input: {name: \"x\", permissions: []}) }","pad":"` + strings.Repeat("x", 1<<20) + `"}`,
			wantStatus: 413, wantBody: "The request payload is larger than the server is willing or able to process."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			if tt.advance != 0 {
				srv.Clock().Advance(tt.advance)
			}
			before := admin(t, srv, snapshotQuery, nil)
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			res := do(t, srv, method, "/graphql", tt.token, tt.body)
			if res.status != tt.wantStatus {
				t.Errorf("status = %d, want %d; body %q", res.status, tt.wantStatus, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
				t.Errorf("Content-Type = %q, want text/plain; charset=UTF-8", ct)
			}
			if prefix, ok := strings.CutSuffix(tt.wantBody, "..."); ok {
				if !strings.HasPrefix(string(res.body), prefix) || len(res.body) == len(prefix) {
					t.Errorf("body = %q, want %q followed by a reason", res.body, prefix)
				}
			} else if string(res.body) != tt.wantBody {
				t.Errorf("body = %q, want %q", res.body, tt.wantBody)
			}
			for k, v := range tt.wantHeader {
				if got := res.header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			srv.Clock().Set(fixedTime)
			after := admin(t, srv, snapshotQuery, nil)
			wantJSON(t, after.body, string(before.body))
		})
	}
}

func TestHTTPRequestForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		body string
		want string
	}{
		{
			name: "operation id in the URL, as genqlient-based clients send it",
			path: "/graphql?id=ListTokens",
			body: `{"query":"query ListTokens { tokens(sortBy: Name, limit: 1) { totalResults } }","operationName":"ListTokens","variables":null}`,
			want: `{"data":{"tokens":{"totalResults":7}}}`,
		},
		{
			name: "operationName picks one of several operations",
			path: "/graphql",
			body: `{"query":"query A { ipFilters { name } } query B { viewer { username } }","operationName":"B"}`,
			want: `{"data":{"viewer":{"username":"admin"}}}`,
		},
		{
			name: "explicit null variables and operationName",
			path: "/graphql",
			body: `{"query":"query($e: String, $l: Int) { tokens(sortBy: Name, searchFilter: $e, limit: $l) { totalResults } }","variables":{"e":null,"l":null},"operationName":null}`,
			want: `{"data":{"tokens":{"totalResults":7}}}`,
		},
		{
			name: "unknown request members are ignored",
			path: "/graphql",
			body: `{"query":"{ viewer { username } }","extensions":{"persistedQuery":null}}`,
			want: `{"data":{"viewer":{"username":"admin"}}}`,
		},
		{
			name: "syntax error",
			path: "/graphql",
			body: `{"query":"{ viewer { username }"}`,
			want: `{"errors":[{"message":"syntax error: unexpected '', expecting Ident","locations":[{"line":1,"column":22}]}]}`,
		},
		{
			name: "integer literal beyond 64 bits",
			path: "/graphql",
			body: `{"query":"mutation { createPersonalUserToken(input: {expireAt: 99999999999999999999}) }"}`,
			want: `{"errors":[{"message":"Value 99999999999999999999 is out of range."}]}`,
		},
		{
			name: "variable that is not a Long",
			path: "/graphql",
			body: `{"query":"mutation($e: Long) { createPersonalUserToken(input: {expireAt: $e}) }","variables":{"e":1.5}}`,
			want: `{"errors":[{"message":"Long cannot represent non-integer value: 1.5"}]}`,
		},
		{
			name: "subscription",
			path: "/graphql",
			body: `{"query":"subscription { tokens }"}`,
			want: `{"errors":[{"message":"Schema is not configured for subscriptions."}]}`,
		},
		{
			name: "query deeper than the limit",
			path: "/graphql",
			body: `{"query":"{ searchDomains { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { dashboards { searchDomain { id } } } } } } } } } } } } } } } } } } } } } }"}`,
			want: `{"errors":[{"message":"Field 'searchDomain' has depth 21 that exceeds max depth 20","locations":[{"line":1,"column":284}]}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			before := admin(t, srv, snapshotQuery, nil)
			res := do(t, srv, http.MethodPost, tt.path, fixtures.LogScaleToken, tt.body)
			if res.status != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", res.status, res.body)
			}
			wantJSON(t, res.body, tt.want)
			wantJSON(t, admin(t, srv, snapshotQuery, nil).body, string(before.body))
		})
	}
}

func TestQueryLengthLimit(t *testing.T) {
	t.Parallel()
	srv := start(t)
	q := "{ viewer { id } }" + strings.Repeat(" ", 70_000)
	res := admin(t, srv, q, nil)
	errs, _ := errorsOf(t, res)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "exceeds the maximum allowed query length") {
		t.Errorf("errors = %+v, want one about the query length", errs)
	}
}

func TestIntrospection(t *testing.T) {
	t.Parallel()
	srv := start(t)
	res := admin(t, srv, introspectionQuery, nil)
	var body struct {
		Data struct {
			Schema struct {
				QueryType    struct{ Name string } `json:"queryType"`
				MutationType struct{ Name string } `json:"mutationType"`
				Types        []struct {
					Name          string
					Kind          string
					PossibleTypes []struct{ Name string } `json:"possibleTypes"`
				}
			} `json:"__schema"`
		}
		Errors []any
	}
	if err := json.Unmarshal(res.body, &body); err != nil || len(body.Errors) > 0 {
		t.Fatalf("introspection failed: %v %s", err, res.body)
	}
	s := body.Data.Schema
	if s.QueryType.Name != "Query" || s.MutationType.Name != "Mutation" {
		t.Errorf("root types = %q, %q", s.QueryType.Name, s.MutationType.Name)
	}
	var tokenImpls []string
	for _, ty := range s.Types {
		if ty.Name == "Token" {
			for _, p := range ty.PossibleTypes {
				tokenImpls = append(tokenImpls, p.Name)
			}
		}
	}
	if len(tokenImpls) != 4 {
		t.Errorf("Token has possible types %v, want the four token types", tokenImpls)
	}
}

// introspectionQuery is the standard introspection query of GraphQL tools.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
