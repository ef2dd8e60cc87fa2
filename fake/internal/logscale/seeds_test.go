package logscale_test

import (
	"regexp"
	"testing"
)

// tokenStringPattern is the documented form of a token string.
var tokenStringPattern = regexp.MustCompile(`^[A-Za-z0-9]{32}~[A-Za-z0-9]{44}$`)

// The examples of LogScale's documentation pages, run against the default fixtures.

func TestSeedCreatePersonalUserTokenV2(t *testing.T) {
	t.Parallel()
	srv := start(t)
	res := admin(t, srv, `mutation {
  createPersonalUserTokenV2(input:
       { expireAt: null } )
  { token, tokenMetadata { name } }
}`, nil)
	data := dataOf(t, res)
	tok := str(t, data, "createPersonalUserTokenV2", "token")
	if !tokenStringPattern.MatchString(tok) {
		t.Errorf("token = %q, want <32 letters or digits>~<44 letters or digits>", tok)
	}
	wantJSON(t, res.body, `{"data":{"createPersonalUserTokenV2":{"token":"`+tok+`","tokenMetadata":{"name":"Personal token"}}}}`)
}

func TestSeedTokensSorted(t *testing.T) {
	t.Parallel()
	srv := start(t)
	res := admin(t, srv, `query {
  tokens(sortBy: Name, orderBy: ASC)
        { totalResults,
          results{name, createdAt, expireAt} }
}`, nil)
	wantJSON(t, res.body, `{"data":{"tokens":{"totalResults":7,"results":[
		{"name":"Cluster Management","createdAt":1729603406707,"expireAt":null},
		{"name":"jenkinsAuto","createdAt":1729830704004,"expireAt":null},
		{"name":"Tester","createdAt":1730394131348,"expireAt":1731258131010},
		{"name":"Uptime monitor","createdAt":1730900000000,"expireAt":1893456000000},
		{"name":"Vault rotation","createdAt":1731000000000,"expireAt":null},
		{"name":"Wall dashboards","createdAt":1731100000000,"expireAt":null},
		{"name":"Zabbix health","createdAt":1731200000000,"expireAt":1735689600000}
	]}}}`)
}

func TestSeedCreateReadonlyToken(t *testing.T) {
	t.Parallel()
	srv := start(t)
	res := admin(t, srv, `mutation CreatePublicDashboardLink {
  createReadonlyToken(
    id: "abc123"
    name: "Wall Monitor - Overview"
    queryOwnershipType: Organization)
  { name, token }
}`, nil)
	data := dataOf(t, res)
	tok := str(t, data, "createReadonlyToken", "token")
	if tok == "" {
		t.Fatal("empty token")
	}
	wantJSON(t, res.body, `{"data":{"createReadonlyToken":{"name":"Wall Monitor - Overview","token":"`+tok+`"}}}`)

	// The link is now among the dashboard's read-only tokens.
	res = admin(t, srv, `{ searchDomain(name: "all-logs") { dashboard(id: "abc123") { readOnlyTokens { name token createdBy queryOwnership { __typename id } } } } }`, nil)
	wantJSON(t, res.body, `{"data":{"searchDomain":{"dashboard":{"readOnlyTokens":[
		{"name":"Lobby screen","token":"APNp2DD884fMdNBIJGh4HPKhMgkAD6Zt","createdBy":"admin","queryOwnership":{"__typename":"OrganizationOwnership","id":"SINGLE_ORGANIZATION_ID"}},
		{"name":"Wall Monitor - Overview","token":"`+tok+`","createdBy":"admin","queryOwnership":{"__typename":"OrganizationOwnership","id":"SINGLE_ORGANIZATION_ID"}}
	]}}}}`)
}
