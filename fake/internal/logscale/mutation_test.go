package logscale_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fixtures"
)

// wantTokenString fails t unless s is a token string.
func wantTokenString(t *testing.T, s string) {
	t.Helper()
	if !tokenStringPattern.MatchString(s) {
		t.Fatalf("token = %q, want <32 letters or digits>~<44 letters or digits>", s)
	}
}

// wantStatus fails t unless a request with token gets status.
func wantStatus(t *testing.T, c *caseEnv, token string, status int) {
	t.Helper()
	srv := c.srv.(interface {
		URL() string
		Client() *http.Client
	})
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/graphql", strings.NewReader(`{"query":"{ ipFilters { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != status {
		t.Errorf("request with %.8s...: status = %d, want %d", token, res.StatusCode, status)
	}
}

// tokenByID reads a token's details as the admin.
func tokenByID(t *testing.T, c *caseEnv, id string) response {
	t.Helper()
	return c.run(fixtures.LogScaleToken, `query($id: String!) { token(tokenId: $id) { __typename name expireAt createdAt ipFilter
		... on ViewPermissionsToken { permissions views { id } }
		... on SystemPermissionsToken { permissions }
		... on OrganizationPermissionsToken { permissions } } }`, map[string]any{"id": id})
}

const allowUpdates = `mutation { updateTokenSecurityPolicies(input: {
	personalUserTokensEnabled: true, viewPermissionTokensEnabled: true, viewPermissionTokensAllowPermissionUpdates: true,
	organizationPermissionTokensEnabled: true, organizationPermissionTokensAllowPermissionUpdates: true,
	systemPermissionTokensEnabled: true, systemPermissionTokensAllowPermissionUpdates: true }) { id } }`

// fixedMillis is fixedTime in epoch milliseconds.
var fixedMillis = fixedTime.UnixMilli()

func TestCreateTokenMutations(t *testing.T) {
	t.Parallel()
	future := float64(fixedMillis + 86_400_000)
	runCases(t, []opCase{
		{
			name:  "createPersonalUserToken replaces the caller's personal token",
			query: `mutation { createPersonalUserToken(input: {}) }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createPersonalUserToken")
				wantTokenString(t, tok)
				wantStatus(t, c, fixtures.LogScaleToken, http.StatusUnauthorized)
				got := c.run(tok, `{ viewer { username token { id createdAt } } }`, nil)
				id, _, _ := strings.Cut(tok, "~")
				wantJSON(t, got.body, `{"data":{"viewer":{"username":"admin","token":{"id":"`+id+`","createdAt":`+jsonNumber(fixedMillis)+`}}}}`)
			},
		},
		{
			name:  "createPersonalUserTokenV2 with expiry and IP filter",
			query: `mutation($e: Long, $f: String) { createPersonalUserTokenV2(input: {expireAt: $e, ipFilterId: $f}) { token tokenMetadata { __typename id name expireAt createdAt ipFilterV2 { name } } } }`,
			vars:  map[string]any{"e": future, "f": loopFilterID},
			check: func(t *testing.T, c *caseEnv, res response) {
				data := dataOf(t, res)
				tok := str(t, data, "createPersonalUserTokenV2", "token")
				wantTokenString(t, tok)
				id, _, _ := strings.Cut(tok, "~")
				wantJSON(t, res.body, `{"data":{"createPersonalUserTokenV2":{"token":"`+tok+`","tokenMetadata":{"__typename":"PersonalUserToken","id":"`+id+`",
					"name":"Personal token","expireAt":`+jsonNumber(int64(future))+`,"createdAt":`+jsonNumber(fixedMillis)+`,"ipFilterV2":{"name":"loopback"}}}}}`)
				wantStatus(t, c, tok, http.StatusOK) // the test client is on the loopback address
			},
		},
		{
			name:    "createPersonalUserTokenV2: expiry in the past",
			query:   `mutation { createPersonalUserTokenV2(input: {expireAt: 1000}) { token } }`,
			wantErr: "The expiration time must be in the future.",
		},
		{
			name:    "createPersonalUserTokenV2: unknown IP filter",
			query:   `mutation { createPersonalUserTokenV2(input: {ipFilterId: "nope"}) { token } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:    "createPersonalUserToken: a token that belongs to no user",
			token:   clusterToken,
			query:   `mutation { createPersonalUserToken(input: {}) }`,
			wantErr: "This operation requires a token that belongs to a user.",
		},
		{
			name:  "createViewPermissionsToken normalizes permissions",
			query: `mutation($v: [String!]!) { createViewPermissionsToken(input: {name: "ci", viewIds: $v, permissions: [ReadAccess, ChangeDashboards, ChangeUserAccess]}) }`,
			vars:  map[string]any{"v": []string{productionID, allLogsID}},
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createViewPermissionsToken")
				wantTokenString(t, tok)
				id, _, _ := strings.Cut(tok, "~")
				wantJSON(t, tokenByID(t, c, id).body, `{"data":{"token":{"__typename":"ViewPermissionsToken","name":"ci","expireAt":null,
					"createdAt":`+jsonNumber(fixedMillis)+`,"ipFilter":null,
					"permissions":["ChangeUserAccess","CreateDashboards","DeleteDashboards","OrganizationOwnedQueries","ReadAccess","UpdateDashboards"],
					"views":[{"id":"`+productionID+`"},{"id":"`+allLogsID+`"}]}}}`)
				wantStatus(t, c, tok, http.StatusOK)
			},
		},
		{
			name:  "createViewPermissionsTokenV2 returns the token and its metadata",
			query: `mutation { createViewPermissionsTokenV2(input: {name: "wall", expireAt: null, ipFilterId: null, viewIds: ["` + allLogsID + `"], viewPermissions: [ReadAccess], assetPermissionAssignments: null}) { token tokenMetadata { __typename id name permissions views { __typename name } } } }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createViewPermissionsTokenV2", "token")
				id, _, _ := strings.Cut(tok, "~")
				wantJSON(t, res.body, `{"data":{"createViewPermissionsTokenV2":{"token":"`+tok+`","tokenMetadata":{"__typename":"ViewPermissionsToken","id":"`+id+`",
					"name":"wall","permissions":["OrganizationOwnedQueries","ReadAccess"],"views":[{"__typename":"View","name":"all-logs"}]}}}}`)
				got := c.run(fixtures.LogScaleToken, `{ tokens(sortBy: Name) { totalResults } }`, nil)
				wantJSON(t, got.body, `{"data":{"tokens":{"totalResults":8}}}`)
			},
		},
		{
			name:    "createViewPermissionsTokenV2: unknown view",
			query:   `mutation { createViewPermissionsTokenV2(input: {name: "x", viewIds: ["nope"], viewPermissions: [ReadAccess]}) { token } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:    "createViewPermissionsTokenV2: blank name",
			query:   `mutation { createViewPermissionsTokenV2(input: {name: "  ", viewIds: ["` + allLogsID + `"], viewPermissions: [ReadAccess]}) { token } }`,
			wantErr: "The name must not be empty.",
		},
		{
			name:    "createViewPermissionsToken: unknown permission",
			query:   `mutation { createViewPermissionsToken(input: {name: "x", viewIds: ["` + allLogsID + `"], permissions: [Nope]}) }`,
			wantErr: "Value 'Nope' does not exist in 'Permission' enum.",
		},
		{
			name:  "createSystemPermissionsToken",
			query: `mutation { createSystemPermissionsToken(input: {name: "ops", permissions: [ViewOrganizations, ManageCluster]}) }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createSystemPermissionsToken")
				id, _, _ := strings.Cut(tok, "~")
				wantJSON(t, tokenByID(t, c, id).body, `{"data":{"token":{"__typename":"SystemPermissionsToken","name":"ops","expireAt":null,
					"createdAt":`+jsonNumber(fixedMillis)+`,"ipFilter":null,"permissions":["ManageCluster","ViewOrganizations"]}}}`)
			},
		},
		{
			name:  "createSystemPermissionsTokenV2",
			query: `mutation { createSystemPermissionsTokenV2(input: {name: "ops", systemPermissions: [ReadHealthCheck]}) { token tokenMetadata { __typename name permissions } } }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createSystemPermissionsTokenV2", "token")
				wantTokenString(t, tok)
				wantJSON(t, res.body, `{"data":{"createSystemPermissionsTokenV2":{"token":"`+tok+`","tokenMetadata":{"__typename":"SystemPermissionsToken","name":"ops","permissions":["ReadHealthCheck"]}}}}`)
			},
		},
		{
			name:  "createOrganizationPermissionsToken",
			query: `mutation { createOrganizationPermissionsToken(input: {name: "org", permissions: [ManageUsers]}) }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createOrganizationPermissionsToken")
				id, _, _ := strings.Cut(tok, "~")
				wantJSON(t, tokenByID(t, c, id).body, `{"data":{"token":{"__typename":"OrganizationPermissionsToken","name":"org","expireAt":null,
					"createdAt":`+jsonNumber(fixedMillis)+`,"ipFilter":null,"permissions":["ManageUsers"]}}}`)
			},
		},
		{
			name:  "createOrganizationPermissionsTokenV2",
			query: `mutation { createOrganizationPermissionsTokenV2(input: {name: "org", organizationPermissions: [ViewUsage, ChangeIPFilters]}) { token tokenMetadata { __typename name permissions } } }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createOrganizationPermissionsTokenV2", "token")
				wantJSON(t, res.body, `{"data":{"createOrganizationPermissionsTokenV2":{"token":"`+tok+`","tokenMetadata":{"__typename":"OrganizationPermissionsToken","name":"org","permissions":["ChangeIPFilters","ViewUsage"]}}}}`)
			},
		},
		{
			name:    "createSystemPermissionsToken: blank name",
			query:   `mutation { createSystemPermissionsToken(input: {name: "", permissions: [ReadHealthCheck]}) }`,
			wantErr: "The name must not be empty.",
		},
		{
			name:    "createSystemPermissionsTokenV2: expiry in the past",
			query:   `mutation { createSystemPermissionsTokenV2(input: {name: "x", expireAt: 1731258131010, systemPermissions: []}) { token } }`,
			wantErr: "The expiration time must be in the future.",
		},
		{
			name:    "createOrganizationPermissionsToken: unknown IP filter",
			query:   `mutation { createOrganizationPermissionsToken(input: {name: "x", ipFilterId: "nope", permissions: [ManageUsers]}) }`,
			wantErr: "Entity Not Found",
		},
		{
			name: "system and organization tokens refused when the policies disable them",
			query: `mutation { updateTokenSecurityPolicies(input: {personalUserTokensEnabled: true,
				viewPermissionTokensEnabled: false, viewPermissionTokensAllowPermissionUpdates: false,
				organizationPermissionTokensEnabled: false, organizationPermissionTokensAllowPermissionUpdates: false,
				systemPermissionTokensEnabled: false}) { id } }`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				for q, msg := range map[string]string{
					`mutation { createSystemPermissionsTokenV2(input: {name: "x", systemPermissions: []}) { token } }`:             "System permission tokens are disabled by the organization's token security policies.",
					`mutation { createOrganizationPermissionsTokenV2(input: {name: "x", organizationPermissions: []}) { token } }`: "Organization permission tokens are disabled by the organization's token security policies.",
					`mutation { createViewPermissionsToken(input: {name: "x", viewIds: [], permissions: []}) }`:                    "View permission tokens are disabled by the organization's token security policies.",
				} {
					wantError(t, c.run(fixtures.LogScaleToken, q, nil), msg)
				}
			},
		},
		{
			name: "an enforced IP filter is given to new tokens, another one is refused",
			query: `mutation { updateTokenSecurityPolicies(input: {personalUserTokensEnabled: true,
				viewPermissionTokensEnabled: true, viewPermissionTokensAllowPermissionUpdates: false,
				organizationPermissionTokensEnabled: true, organizationPermissionTokensAllowPermissionUpdates: false,
				systemPermissionTokensEnforceIpFilterId: "` + loopFilterID + `"}) { id } }`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				res := c.run(fixtures.LogScaleToken, `mutation { createSystemPermissionsTokenV2(input: {name: "x", systemPermissions: []}) { tokenMetadata { ipFilterV2 { name } } } }`, nil)
				wantJSON(t, res.body, `{"data":{"createSystemPermissionsTokenV2":{"tokenMetadata":{"ipFilterV2":{"name":"loopback"}}}}}`)
				res = c.run(fixtures.LogScaleToken, `mutation { createSystemPermissionsTokenV2(input: {name: "x", ipFilterId: "`+officeFilterID+`", systemPermissions: []}) { token } }`, nil)
				wantError(t, res, "System permission tokens must use the IP filter set by the organization's token security policies.")
			},
		},
		{
			name:    "createOrganizationPermissionsTokenV2: name missing",
			query:   `mutation { createOrganizationPermissionsTokenV2(input: {organizationPermissions: [ViewUsage]}) { token } }`,
			wantErr: "Field 'CreateOrganizationPermissionsTokenV2Input.name' of required type 'String!' was not provided.",
		},
	})
}

func TestTokenLifecycleMutations(t *testing.T) {
	t.Parallel()
	runCases(t, []opCase{
		{
			name:  "deleteToken",
			query: `mutation { deleteToken(input: {id: "` + clusterMgmtID + `"}) }`,
			want:  `{"data":{"deleteToken":true}}`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				wantStatus(t, c, clusterToken, http.StatusUnauthorized)
				wantError(t, tokenByID(t, c, clusterMgmtID), "Entity Not Found")
			},
		},
		{
			name:    "deleteToken: unknown",
			query:   `mutation { deleteToken(input: {id: "nope"}) }`,
			wantErr: "Entity Not Found",
		},
		{
			name:  "rotateToken gives a new id and secret and keeps the rest",
			query: `mutation { rotateToken(input: {id: "` + vaultID + `"}) }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "rotateToken")
				wantTokenString(t, tok)
				id, _, _ := strings.Cut(tok, "~")
				if id == vaultID {
					t.Fatalf("rotated token kept its id %s", id)
				}
				wantStatus(t, c, vaultToken, http.StatusUnauthorized)
				wantStatus(t, c, tok, http.StatusOK)
				wantError(t, tokenByID(t, c, vaultID), "Entity Not Found")
				wantJSON(t, tokenByID(t, c, id).body, `{"data":{"token":{"__typename":"OrganizationPermissionsToken","name":"Vault rotation","expireAt":null,
					"createdAt":`+jsonNumber(fixedMillis)+`,"ipFilter":"allow 127.0.0.1\nallow ::1\ndeny all","permissions":["ChangeIPFilters","ChangeOrganizationSettings"]}}}`)
			},
		},
		{
			name:  "rotateToken with a user id reissues the user's personal token",
			query: `mutation { rotateToken(input: {id: "` + janeID + `"}) }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "rotateToken")
				wantTokenString(t, tok)
				wantStatus(t, c, janeToken, http.StatusUnauthorized)
				got := c.run(tok, `{ viewer { username token { expireAt } } }`, nil)
				wantJSON(t, got.body, `{"data":{"viewer":{"username":"jane.doe","token":{"expireAt":1893456000000}}}}`)
			},
		},
		{
			name:  "rotateToken with the id of a user without a personal token makes one",
			query: `mutation { rotateToken(input: {id: "vWNBoNhph53UYAlbnQ40X5EnEyxLlxmf"}) }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "rotateToken")
				got := c.run(tok, `{ viewer { username } }`, nil)
				wantJSON(t, got.body, `{"data":{"viewer":{"username":"ci-bot"}}}`)
			},
		},
		{
			name:    "rotateToken: expired token",
			query:   `mutation { rotateToken(input: {id: "` + testerID + `"}) }`,
			wantErr: "An expired token cannot be rotated.",
		},
		{
			name:    "rotateToken: unknown",
			query:   `mutation { rotateToken(input: {id: "nope"}) }`,
			wantErr: "Entity Not Found",
		},
		{
			name:    "updateViewPermissionsTokenPermissions: refused by default",
			query:   `mutation { updateViewPermissionsTokenPermissions(input: {id: "` + jenkinsID + `", permissions: [ReadAccess]}) }`,
			wantErr: "Permission updates of view permission tokens are not allowed by the organization's token security policies.",
		},
		{
			name:    "updateSystemPermissionsTokenPermissions: refused by default",
			query:   `mutation { updateSystemPermissionsTokenPermissions(input: {id: "` + clusterMgmtID + `", permissions: [ReadHealthCheck]}) }`,
			wantErr: "Permission updates of system permission tokens are not allowed by the organization's token security policies.",
		},
		{
			name:    "updateOrganizationPermissionsTokenPermissions: refused by default",
			query:   `mutation { updateOrganizationPermissionsTokenPermissions(input: {id: "` + vaultID + `", permissions: [ManageUsers]}) }`,
			wantErr: "Permission updates of organization permission tokens are not allowed by the organization's token security policies.",
		},
		{
			name:  "update permissions once the policies allow it",
			query: allowUpdates,
			check: func(t *testing.T, c *caseEnv, _ response) {
				res := c.run(fixtures.LogScaleToken, `mutation {
					v: updateViewPermissionsTokenPermissions(input: {id: "`+jenkinsID+`", permissions: [ChangeTriggers]})
					s: updateSystemPermissionsTokenPermissions(input: {id: "`+clusterMgmtID+`", permissions: [ReadHealthCheck]})
					o: updateOrganizationPermissionsTokenPermissions(input: {id: "`+vaultID+`", permissions: [ManageUsers]}) }`, nil)
				wantJSON(t, res.body, `{"data":{"v":"`+jenkinsID+`","s":"`+clusterMgmtID+`","o":"`+vaultID+`"}}`)
				res = c.run(fixtures.LogScaleToken, `{
					v: token(tokenId: "`+jenkinsID+`") { ... on ViewPermissionsToken { permissions } }
					s: token(tokenId: "`+clusterMgmtID+`") { ... on SystemPermissionsToken { permissions } }
					o: token(tokenId: "`+vaultID+`") { ... on OrganizationPermissionsToken { permissions } } }`, nil)
				wantJSON(t, res.body, `{"data":{"v":{"permissions":["CreateTriggers","DeleteTriggers","OrganizationOwnedQueries","UpdateTriggers"]},
					"s":{"permissions":["ReadHealthCheck"]},"o":{"permissions":["ManageUsers"]}}}`)
			},
		},
		{
			name:    "update permissions of a token of another kind",
			query:   `mutation { updateSystemPermissionsTokenPermissions(input: {id: "` + jenkinsID + `", permissions: [ReadHealthCheck]}) }`,
			wantErr: "Entity Not Found",
		},
	})
}

func TestPolicyAndFilterMutations(t *testing.T) {
	t.Parallel()
	runCases(t, []opCase{
		{
			name: "updateTokenSecurityPolicies",
			query: `mutation { updateTokenSecurityPolicies(input: {
				personalUserTokensEnabled: false, personalUserTokensEnforceExpirationAfterMs: 3600000, personalUserTokensEnforceIpFilterId: "` + loopFilterID + `",
				viewPermissionTokensEnabled: true, viewPermissionTokensAllowPermissionUpdates: true,
				organizationPermissionTokensEnabled: true, organizationPermissionTokensAllowPermissionUpdates: false }) {
				id configs { tokens { personalUserTokensEnabled personalUserTokensEnforceExpirationAfterMs personalUserTokensEnforceIpFilter { name }
				viewPermissionTokensAllowPermissionUpdates systemPermissionTokensEnabled systemPermissionTokensAllowPermissionUpdates } } } }`,
			want: `{"data":{"updateTokenSecurityPolicies":{"id":"SINGLE_ORGANIZATION_ID","configs":{"tokens":{"personalUserTokensEnabled":false,
				"personalUserTokensEnforceExpirationAfterMs":3600000,"personalUserTokensEnforceIpFilter":{"name":"loopback"},
				"viewPermissionTokensAllowPermissionUpdates":true,"systemPermissionTokensEnabled":true,"systemPermissionTokensAllowPermissionUpdates":false}}}}}`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				res := c.run(fixtures.LogScaleToken, `mutation { createPersonalUserToken(input: {}) }`, nil)
				wantError(t, res, "Personal user tokens are disabled by the organization's token security policies.")
			},
		},
		{
			name: "enforced expiry refuses a token that lives too long",
			query: `mutation { updateTokenSecurityPolicies(input: {personalUserTokensEnabled: true,
				viewPermissionTokensEnabled: true, viewPermissionTokensEnforceExpirationAfterMs: 3600000, viewPermissionTokensAllowPermissionUpdates: false,
				organizationPermissionTokensEnabled: true, organizationPermissionTokensAllowPermissionUpdates: false}) { id } }`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				q := `mutation($e: Long) { createViewPermissionsToken(input: {name: "x", expireAt: $e, viewIds: ["` + allLogsID + `"], permissions: [ReadAccess]}) }`
				wantError(t, c.run(fixtures.LogScaleToken, q, map[string]any{"e": nil}),
					"View permission tokens must expire within 3600000 milliseconds by the organization's token security policies.")
				res := c.run(fixtures.LogScaleToken, q, map[string]any{"e": fixedMillis + 60_000})
				wantTokenString(t, str(t, dataOf(t, res), "createViewPermissionsToken"))
			},
		},
		{
			name: "updateTokenSecurityPolicies: unknown IP filter",
			query: `mutation { updateTokenSecurityPolicies(input: {personalUserTokensEnabled: false, personalUserTokensEnforceIpFilterId: "nope",
				viewPermissionTokensEnabled: true, viewPermissionTokensAllowPermissionUpdates: true,
				organizationPermissionTokensEnabled: true, organizationPermissionTokensAllowPermissionUpdates: true}) { id } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:  "createIPFilter",
			query: `mutation { createIPFilter(input: {name: "vpn", ipFilter: "allow 172.16.0.0/12\ndeny all"}) { id name ipFilter } }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				id := str(t, dataOf(t, res), "createIPFilter", "id")
				wantJSON(t, res.body, `{"data":{"createIPFilter":{"id":"`+id+`","name":"vpn","ipFilter":"allow 172.16.0.0/12\ndeny all"}}}`)
				got := c.run(fixtures.LogScaleToken, `{ ipFilters { name } }`, nil)
				wantJSON(t, got.body, `{"data":{"ipFilters":[{"name":"office"},{"name":"loopback"},{"name":"vpn"}]}}`)
			},
		},
		{
			name:    "createIPFilter: invalid rule",
			query:   `mutation { createIPFilter(input: {name: "bad", ipFilter: "permit everyone"}) { id } }`,
			wantErr: `The IP filter is invalid: line 1: want "allow" or "deny" followed by "all", an address or a CIDR prefix`,
		},
		{
			name:  "updateIPFilter",
			query: `mutation { updateIPFilter(input: {id: "` + officeFilterID + `", name: "hq"}) { id name ipFilter } }`,
			want:  `{"data":{"updateIPFilter":{"id":"` + officeFilterID + `","name":"hq","ipFilter":"allow 10.0.0.0/8\nallow 192.168.0.0/16\ndeny all"}}}`,
		},
		{
			name:  "updateIPFilter changes what its tokens accept",
			query: `mutation { updateIPFilter(input: {id: "` + loopFilterID + `", ipFilter: "deny all"}) { ipFilter } }`,
			want:  `{"data":{"updateIPFilter":{"ipFilter":"deny all"}}}`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				wantStatus(t, c, vaultToken, http.StatusForbidden)
			},
		},
		{
			name:    "updateIPFilter: unknown",
			query:   `mutation { updateIPFilter(input: {id: "nope", name: "x"}) { id } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:  "deleteIPFilter",
			query: `mutation { deleteIPFilter(input: {id: "` + officeFilterID + `"}) }`,
			want:  `{"data":{"deleteIPFilter":true}}`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				got := c.run(fixtures.LogScaleToken, `{ ipFilters { name } }`, nil)
				wantJSON(t, got.body, `{"data":{"ipFilters":[{"name":"loopback"}]}}`)
				wantStatus(t, c, wallToken, http.StatusOK) // no longer limited by the deleted filter
			},
		},
		{
			name:    "deleteIPFilter: unknown",
			query:   `mutation { deleteIPFilter(input: {id: "nope"}) }`,
			wantErr: "Entity Not Found",
		},
	})
}

func TestDashboardLinkMutations(t *testing.T) {
	t.Parallel()
	runCases(t, []opCase{
		{
			name:  "createReadonlyToken run as the user",
			query: `mutation { createReadonlyToken(id: "abc123", name: "TV", ipFilterId: "` + officeFilterID + `", queryOwnershipType: User) { name token createdBy ipFilter { name } queryOwnership { __typename id ... on UserOwnership { user { username } } } } }`,
			check: func(t *testing.T, c *caseEnv, res response) {
				tok := str(t, dataOf(t, res), "createReadonlyToken", "token")
				wantJSON(t, res.body, `{"data":{"createReadonlyToken":{"name":"TV","token":"`+tok+`","createdBy":"admin","ipFilter":{"name":"office"},
					"queryOwnership":{"__typename":"UserOwnership","id":"`+adminID+`","user":{"username":"admin"}}}}}`)
			},
		},
		{
			name:    "createReadonlyToken: unknown dashboard",
			query:   `mutation { createReadonlyToken(id: "nope", name: "TV") { token } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:    "createReadonlyToken: unknown IP filter",
			query:   `mutation { createReadonlyToken(id: "abc123", name: "TV", ipFilterId: "nope") { token } }`,
			wantErr: "Entity Not Found",
		},
		{
			name:  "deleteReadonlyToken",
			query: `mutation { deleteReadonlyToken(id: "abc123", token: "APNp2DD884fMdNBIJGh4HPKhMgkAD6Zt") { result } }`,
			want:  `{"data":{"deleteReadonlyToken":{"result":true}}}`,
			check: func(t *testing.T, c *caseEnv, _ response) {
				got := c.run(fixtures.LogScaleToken, `{ searchDomain(name: "all-logs") { dashboard(id: "abc123") { readOnlyTokens { name } } } }`, nil)
				wantJSON(t, got.body, `{"data":{"searchDomain":{"dashboard":{"readOnlyTokens":[]}}}}`)
			},
		},
		{
			name:    "deleteReadonlyToken: unknown token",
			query:   `mutation { deleteReadonlyToken(id: "abc123", token: "nope") { result } }`,
			wantErr: "Entity Not Found",
		},
	})
}

// jsonNumber writes n as a JSON number.
func jsonNumber(n int64) string { return strconv.FormatInt(n, 10) }
