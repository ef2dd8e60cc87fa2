package logscale_test

import (
	"testing"

	"github.com/tokenfake/tokenfake/fixtures"
)

// snapshotQuery reads everything a mutation can change.
const snapshotQuery = `{
  tokens(sortBy: Name, limit: 1000) { totalResults results { id name expireAt ipFilter
    ... on ViewPermissionsToken { permissions views { id } }
    ... on SystemPermissionsToken { permissions }
    ... on OrganizationPermissionsToken { permissions } } }
  ipFilters { id name ipFilter }
  organization { configs { tokens { personalUserTokensEnabled personalUserTokensEnforceExpirationAfterMs
    viewPermissionTokensEnabled viewPermissionTokensAllowPermissionUpdates
    organizationPermissionTokensEnabled organizationPermissionTokensAllowPermissionUpdates
    systemPermissionTokensEnabled systemPermissionTokensAllowPermissionUpdates } } }
  searchDomains { name dashboards { id readOnlyTokens { name token } } }
  viewer { token { id } }
}`

// opCase is one request and what it must answer.
type opCase struct {
	name  string
	token string // default: fixtures.LogScaleToken
	query string
	vars  map[string]any
	// want is the whole expected body, when it holds no generated values.
	want string
	// wantErr is the message of the one expected error; the request must
	// change nothing.
	wantErr string
	// check inspects the answer further.
	check func(t *testing.T, c *caseEnv, res response)
}

// caseEnv is what a check can use.
type caseEnv struct {
	srv interface {
		URL() string
	}
	run func(token, query string, vars map[string]any) response
}

func runCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t)
			token := tc.token
			if token == "" {
				token = fixtures.LogScaleToken
			}
			var before response
			if tc.wantErr != "" {
				before = admin(t, srv, snapshotQuery, nil)
			}
			res := gql(t, srv, token, tc.query, tc.vars)
			if tc.want != "" {
				wantJSON(t, res.body, tc.want)
			}
			if tc.wantErr != "" {
				wantError(t, res, tc.wantErr)
				after := admin(t, srv, snapshotQuery, nil)
				wantJSON(t, after.body, string(before.body))
			}
			if tc.check != nil {
				env := &caseEnv{srv: srv, run: func(tok, q string, v map[string]any) response { return gql(t, srv, tok, q, v) }}
				tc.check(t, env, res)
			}
		})
	}
}

func TestTokensQuery(t *testing.T) {
	t.Parallel()
	runCases(t, []opCase{
		{
			name:  "defaults: every listed token, personal tokens left out",
			query: `{ tokens(sortBy: Name) { totalResults results { name __typename } } }`,
			want: `{"data":{"tokens":{"totalResults":7,"results":[
				{"name":"Cluster Management","__typename":"SystemPermissionsToken"},
				{"name":"jenkinsAuto","__typename":"ViewPermissionsToken"},
				{"name":"Tester","__typename":"OrganizationPermissionsToken"},
				{"name":"Uptime monitor","__typename":"ViewPermissionsToken"},
				{"name":"Vault rotation","__typename":"OrganizationPermissionsToken"},
				{"name":"Wall dashboards","__typename":"ViewPermissionsToken"},
				{"name":"Zabbix health","__typename":"SystemPermissionsToken"}]}}}`,
		},
		{
			name:  "name descending",
			query: `{ tokens(sortBy: Name, orderBy: DESC, limit: 3) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":7,"results":[{"name":"Zabbix health"},{"name":"Wall dashboards"},{"name":"Vault rotation"}]}}}`,
		},
		{
			name:  "expiration date ascending, never-expiring last",
			query: `{ tokens(sortBy: ExpirationDate, orderBy: ASC) { results { name } } }`,
			want: `{"data":{"tokens":{"results":[{"name":"Tester"},{"name":"Zabbix health"},{"name":"Uptime monitor"},
				{"name":"Cluster Management"},{"name":"jenkinsAuto"},{"name":"Vault rotation"},{"name":"Wall dashboards"}]}}}`,
		},
		{
			name:  "expiration date descending",
			query: `{ tokens(sortBy: ExpirationDate, orderBy: DESC, limit: 4) { results { name } } }`,
			want:  `{"data":{"tokens":{"results":[{"name":"Wall dashboards"},{"name":"Vault rotation"},{"name":"jenkinsAuto"},{"name":"Cluster Management"}]}}}`,
		},
		{
			name:  "skip and limit page; totalResults counts every match",
			query: `{ tokens(sortBy: Name, skip: 2, limit: 2) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":7,"results":[{"name":"Tester"},{"name":"Uptime monitor"}]}}}`,
		},
		{
			name:  "skip past the end",
			query: `{ tokens(sortBy: Name, skip: 50) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":7,"results":[]}}}`,
		},
		{
			name:  "limit zero",
			query: `{ tokens(sortBy: Name, limit: 0) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":7,"results":[]}}}`,
		},
		{
			name:  "limit above the maximum is lowered",
			query: `{ tokens(sortBy: Name, limit: 100000) { totalResults } }`,
			want:  `{"data":{"tokens":{"totalResults":7}}}`,
		},
		{
			name:  "searchFilter matches names ignoring case",
			query: `{ tokens(sortBy: Name, searchFilter: "JENKINS") { totalResults results { id name } } }`,
			want:  `{"data":{"tokens":{"totalResults":1,"results":[{"id":"` + jenkinsID + `","name":"jenkinsAuto"}]}}}`,
		},
		{
			name:  "searchFilter matches the id",
			query: `query($s: String) { tokens(sortBy: Name, searchFilter: $s) { totalResults results { name } } }`,
			vars:  map[string]any{"s": testerID},
			want:  `{"data":{"tokens":{"totalResults":1,"results":[{"name":"Tester"}]}}}`,
		},
		{
			name:  "typeFilter",
			query: `{ tokens(sortBy: Name, typeFilter: [SystemPermissionToken, OrganizationPermissionToken]) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":4,"results":[{"name":"Cluster Management"},{"name":"Tester"},{"name":"Vault rotation"},{"name":"Zabbix health"}]}}}`,
		},
		{
			name:  "typeFilter with no tokens of the type",
			query: `{ tokens(sortBy: Name, typeFilter: [OrganizationManagementPermissionToken]) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":0,"results":[]}}}`,
		},
		{
			name:  "parentEntityIdFilter with a repository",
			query: `{ tokens(sortBy: Name, parentEntityIdFilter: ["` + productionID + `"]) { totalResults results { name } } }`,
			want:  `{"data":{"tokens":{"totalResults":1,"results":[{"name":"jenkinsAuto"}]}}}`,
		},
		{
			name:  "parentEntityIdFilter with the organization",
			query: `{ tokens(sortBy: Name, parentEntityIdFilter: ["SINGLE_ORGANIZATION_ID"], typeFilter: [SystemPermissionToken]) { totalResults } }`,
			want:  `{"data":{"tokens":{"totalResults":2}}}`,
		},
		{
			name:  "explicit null arguments through variables",
			query: `query($s: String, $o: OrderBy, $skip: Int, $limit: Int, $types: [Tokens__Type!]) { tokens(sortBy: Name, searchFilter: $s, orderBy: $o, skip: $skip, limit: $limit, typeFilter: $types) { totalResults } }`,
			vars:  map[string]any{"s": nil, "o": nil, "skip": nil, "limit": nil, "types": nil},
			want:  `{"data":{"tokens":{"totalResults":7}}}`,
		},
		{
			name:    "negative skip",
			query:   `{ tokens(sortBy: Name, skip: -1) { totalResults } }`,
			wantErr: "The argument 'skip' must not be negative.",
		},
		{
			name:    "negative limit",
			query:   `{ tokens(sortBy: Name, limit: -1) { totalResults } }`,
			wantErr: "The argument 'limit' must not be negative.",
		},
		{
			name:    "sortBy missing",
			query:   `{ tokens { totalResults } }`,
			wantErr: "Field 'tokens' argument 'sortBy' of type 'Tokens__SortBy!' is required but not provided.",
		},
		{
			name:    "unknown field",
			query:   `{ x }`,
			wantErr: "Cannot query field 'x' on type 'Query'.",
		},
	})
}

func TestTokenQuery(t *testing.T) {
	t.Parallel()
	runCases(t, []opCase{
		{
			name: "view token with views, permissions and IP filter",
			query: `{ token(tokenId: "Er4Ty7Ui0Op3As6Df9Gh2Jk5Lz8Xc1Vb") { __typename id name expireAt createdAt ipFilter
				ipFilterV2 { id name ipFilter }
				... on ViewPermissionsToken { permissions views { __typename id name } } } }`,
			want: `{"data":{"token":{"__typename":"ViewPermissionsToken","id":"Er4Ty7Ui0Op3As6Df9Gh2Jk5Lz8Xc1Vb","name":"Wall dashboards",
				"expireAt":null,"createdAt":1731100000000,"ipFilter":"allow 10.0.0.0/8\nallow 192.168.0.0/16\ndeny all",
				"ipFilterV2":{"id":"` + officeFilterID + `","name":"office","ipFilter":"allow 10.0.0.0/8\nallow 192.168.0.0/16\ndeny all"},
				"permissions":["OrganizationOwnedQueries","QueryDashboard"],
				"views":[{"__typename":"View","id":"` + allLogsID + `","name":"all-logs"}]}}}`,
		},
		{
			name:  "personal token",
			query: `{ token(tokenId: "` + adminTokenID + `") { __typename name expireAt ipFilterV2 { id } } }`,
			want:  `{"data":{"token":{"__typename":"PersonalUserToken","name":"Personal token","expireAt":null,"ipFilterV2":null}}}`,
		},
		{
			name:  "system token permissions",
			query: `{ token(tokenId: "` + clusterMgmtID + `") { ... on SystemPermissionsToken { permissions } } }`,
			want:  `{"data":{"token":{"permissions":["ManageCluster","ReadHealthCheck","ViewOrganizations"]}}}`,
		},
		{
			name:    "unknown id",
			query:   `{ token(tokenId: "nope") { id } }`,
			wantErr: "Entity Not Found",
			check: func(t *testing.T, _ *caseEnv, res response) {
				errs, nullData := errorsOf(t, res)
				if !nullData {
					t.Errorf("data is not null: %s", res.body)
				}
				if len(errs[0].Path) != 1 || errs[0].Path[0] != "token" ||
					len(errs[0].Locations) != 1 || errs[0].Locations[0]["line"] != 1 || errs[0].Locations[0]["column"] != 3 {
					t.Errorf("error path/locations = %v/%v, want [token] at line 1, column 3", errs[0].Path, errs[0].Locations)
				}
			},
		},
		{
			name:    "unknown id, selected with an alias in a fragment",
			query:   "query Q {\n  ...F\n}\nfragment F on Query { t: token(tokenId: \"nope\") { id } }",
			wantErr: "Entity Not Found",
			check: func(t *testing.T, _ *caseEnv, res response) {
				errs, _ := errorsOf(t, res)
				if len(errs[0].Path) != 1 || errs[0].Path[0] != "t" ||
					len(errs[0].Locations) != 1 || errs[0].Locations[0]["line"] != 4 || errs[0].Locations[0]["column"] != 23 {
					t.Errorf("error path/locations = %v/%v, want [t] at line 4, column 23", errs[0].Path, errs[0].Locations)
				}
			},
		},
	})
}

func TestOtherQueries(t *testing.T) {
	t.Parallel()
	runCases(t, []opCase{
		{
			name:  "ipFilters",
			query: `{ ipFilters { id name ipFilter } }`,
			want: `{"data":{"ipFilters":[
				{"id":"` + officeFilterID + `","name":"office","ipFilter":"allow 10.0.0.0/8\nallow 192.168.0.0/16\ndeny all"},
				{"id":"` + loopFilterID + `","name":"loopback","ipFilter":"allow 127.0.0.1\nallow ::1\ndeny all"}]}}`,
		},
		{
			name:  "viewer",
			query: `{ viewer { id username isRoot isOrganizationRoot fullName email createdAt currentOrganization { id name } token { id name __typename } } }`,
			want: `{"data":{"viewer":{"id":"` + adminID + `","username":"admin","isRoot":true,"isOrganizationRoot":true,"fullName":"Ada Admin",
				"email":"admin@example.com","createdAt":"2024-10-01T08:00:00.000Z","currentOrganization":{"id":"SINGLE_ORGANIZATION_ID","name":"tokenfake"},
				"token":{"id":"` + adminTokenID + `","name":"Personal token","__typename":"PersonalUserToken"}}}}`,
		},
		{
			name:  "viewer as another user",
			token: janeToken,
			query: `{ viewer { username token { id } } }`,
			want:  `{"data":{"viewer":{"username":"jane.doe","token":{"id":"` + janeTokenID + `"}}}}`,
		},
		{
			name:    "viewer with a token that belongs to no user",
			token:   clusterToken,
			query:   `{ viewer { id } }`,
			wantErr: "This operation requires a token that belongs to a user.",
		},
		{
			name:  "searchDomain: a view",
			query: `{ searchDomain(name: "all-logs") { __typename id name description } }`,
			want:  `{"data":{"searchDomain":{"__typename":"View","id":"` + allLogsID + `","name":"all-logs","description":"Production and audit logs together"}}}`,
		},
		{
			name:  "searchDomain: a repository, name in another case",
			query: `{ searchDomain(name: "PRODUCTION") { __typename id name } }`,
			want:  `{"data":{"searchDomain":{"__typename":"Repository","id":"` + productionID + `","name":"production"}}}`,
		},
		{
			name:    "searchDomain: unknown",
			query:   `{ searchDomain(name: "nope") { id } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:  "searchDomains",
			query: `{ searchDomains { __typename name } }`,
			want: `{"data":{"searchDomains":[{"__typename":"Repository","name":"production"},{"__typename":"Repository","name":"audit"},
				{"__typename":"View","name":"all-logs"},{"__typename":"View","name":"frontend"}]}}`,
		},
		{
			name:  "dashboards of a view with their read-only tokens",
			query: `{ searchDomain(name: "all-logs") { dashboards { id name displayName description searchDomain { name } readOnlyTokens { name token createdBy ipFilter { id } } } } }`,
			want: `{"data":{"searchDomain":{"dashboards":[{"id":"abc123","name":"Overview","displayName":"Overview","description":"Request rates and errors",
				"searchDomain":{"name":"all-logs"},"readOnlyTokens":[{"name":"Lobby screen","token":"APNp2DD884fMdNBIJGh4HPKhMgkAD6Zt","createdBy":"admin","ipFilter":null}]}]}}}`,
		},
		{
			name:    "dashboard: unknown id",
			query:   `{ searchDomain(name: "all-logs") { dashboard(id: "nope") { id } } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:    "dashboard: id of another view's dashboard",
			query:   `{ searchDomain(name: "frontend") { dashboard(id: "abc123") { id } } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:  "users",
			query: `{ users { username displayName isRoot isOrgRoot fullName } }`,
			want: `{"data":{"users":[{"username":"admin","displayName":"Ada Admin","isRoot":true,"isOrgRoot":true,"fullName":"Ada Admin"},
				{"username":"ci-bot","displayName":"ci-bot","isRoot":false,"isOrgRoot":false,"fullName":null},
				{"username":"jane.doe","displayName":"Jane Doe","isRoot":false,"isOrgRoot":false,"fullName":"Jane Doe"}]}}`,
		},
		{
			name:  "users: search",
			query: `{ users(search: "JANE") { id username email } }`,
			want:  `{"data":{"users":[{"id":"` + janeID + `","username":"jane.doe","email":"jane.doe@example.com"}]}}`,
		},
		{
			name:  "users: search with no match",
			query: `{ users(search: "nobody") { id } }`,
			want:  `{"data":{"users":[]}}`,
		},
		{
			name:  "users: orderBy",
			query: `{ users(orderBy: {userField: DISPLAYNAME, order: DESC}) { username } }`,
			want:  `{"data":{"users":[{"username":"jane.doe"},{"username":"ci-bot"},{"username":"admin"}]}}`,
		},
		{
			name: "organization with the default token security policies",
			query: `{ organization { id name configs { tokens { personalUserTokensEnabled personalUserTokensEnforceExpirationAfterMs personalUserTokensEnforceIpFilter { id }
				viewPermissionTokensEnabled viewPermissionTokensAllowPermissionUpdates organizationPermissionTokensEnabled
				organizationPermissionTokensAllowPermissionUpdates systemPermissionTokensEnabled systemPermissionTokensAllowPermissionUpdates } } } }`,
			want: `{"data":{"organization":{"id":"SINGLE_ORGANIZATION_ID","name":"tokenfake","configs":{"tokens":{"personalUserTokensEnabled":true,
				"personalUserTokensEnforceExpirationAfterMs":null,"personalUserTokensEnforceIpFilter":null,"viewPermissionTokensEnabled":true,
				"viewPermissionTokensAllowPermissionUpdates":false,"organizationPermissionTokensEnabled":true,
				"organizationPermissionTokensAllowPermissionUpdates":false,"systemPermissionTokensEnabled":true,
				"systemPermissionTokensAllowPermissionUpdates":false}}}}}`,
		},
	})
}
