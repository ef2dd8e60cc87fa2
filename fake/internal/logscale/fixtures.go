package logscale

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// FixtureFile is the name of LogScale's file in a fixture directory.
const FixtureFile = "logscale.json"

// fixtureFile is the layout of logscale.json. Times of tokens are epoch
// milliseconds; times of users are RFC 3339 strings.
type fixtureFile struct {
	Organization *fixtureOrganization `json:"organization"`
	Users        []fixtureUser        `json:"users"`
	Repositories []fixtureDomain      `json:"repositories"`
	Views        []fixtureDomain      `json:"views"`
	Dashboards   []fixtureDashboard   `json:"dashboards"`
	IPFilters    []fixtureIPFilter    `json:"ipFilters"`
	Tokens       []fixtureToken       `json:"tokens"`
}

type fixtureOrganization struct {
	ID                    string           `json:"id"`
	Name                  string           `json:"name"`
	TokenSecurityPolicies *fixturePolicies `json:"tokenSecurityPolicies"`
}

// fixturePolicies mirrors TokenSecurityPoliciesInput; every field is optional
// and defaults to the policies of a new organization.
type fixturePolicies struct {
	PersonalUserTokensEnabled                            *bool   `json:"personalUserTokensEnabled"`
	PersonalUserTokensEnforceExpirationAfterMs           *int64  `json:"personalUserTokensEnforceExpirationAfterMs"`
	PersonalUserTokensEnforceIPFilterID                  *string `json:"personalUserTokensEnforceIpFilterId"`
	ViewPermissionTokensEnabled                          *bool   `json:"viewPermissionTokensEnabled"`
	ViewPermissionTokensEnforceExpirationAfterMs         *int64  `json:"viewPermissionTokensEnforceExpirationAfterMs"`
	ViewPermissionTokensEnforceIPFilterID                *string `json:"viewPermissionTokensEnforceIpFilterId"`
	ViewPermissionTokensAllowPermissionUpdates           *bool   `json:"viewPermissionTokensAllowPermissionUpdates"`
	OrganizationPermissionTokensEnabled                  *bool   `json:"organizationPermissionTokensEnabled"`
	OrganizationPermissionTokensEnforceExpirationAfterMs *int64  `json:"organizationPermissionTokensEnforceExpirationAfterMs"`
	OrganizationPermissionTokensEnforceIPFilterID        *string `json:"organizationPermissionTokensEnforceIpFilterId"`
	OrganizationPermissionTokensAllowPermissionUpdates   *bool   `json:"organizationPermissionTokensAllowPermissionUpdates"`
	SystemPermissionTokensEnabled                        *bool   `json:"systemPermissionTokensEnabled"`
	SystemPermissionTokensEnforceExpirationAfterMs       *int64  `json:"systemPermissionTokensEnforceExpirationAfterMs"`
	SystemPermissionTokensEnforceIPFilterID              *string `json:"systemPermissionTokensEnforceIpFilterId"`
	SystemPermissionTokensAllowPermissionUpdates         *bool   `json:"systemPermissionTokensAllowPermissionUpdates"`
}

type fixtureUser struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	FullName  string    `json:"fullName"`
	Email     string    `json:"email"`
	IsRoot    bool      `json:"isRoot"`
	IsOrgRoot bool      `json:"isOrgRoot"`
	CreatedAt time.Time `json:"createdAt"`
	// Company, CountryCode and Picture are optional profile fields.
	Company     string `json:"company"`
	CountryCode string `json:"countryCode"`
	Picture     string `json:"picture"`
}

type fixtureDomain struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// AutomaticSearch defaults to true, as in LogScale.
	AutomaticSearch *bool `json:"automaticSearch"`
	// Connections are a view's repositories; repositories have none.
	Connections []fixtureConnection `json:"connections"`
	// Parsers are a repository's own parsers, besides the built-in ones;
	// one with the name of a built-in parser replaces it. Views have none.
	Parsers []fixtureParser `json:"parsers"`
	// IngestTokens are a repository's ingest tokens; views have none.
	IngestTokens []fixtureIngestToken `json:"ingestTokens"`
}

type fixtureParser struct {
	ID          string `json:"id"` // optional: derived from the repository and the name
	Name        string `json:"name"`
	Description string `json:"description"`
}

type fixtureIngestToken struct {
	Name   string `json:"name"`
	Token  string `json:"token"`
	Parser string `json:"parser"` // a parser's name, or "" for none
}

// fixtureConnection is one repository of a view, named by its name.
type fixtureConnection struct {
	Repository string `json:"repository"`
	Filter     string `json:"filter"`
}

type fixtureDashboard struct {
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	Description    string        `json:"description"`
	SearchDomain   string        `json:"searchDomain"` // the repository's or view's name
	ReadOnlyTokens []fixtureLink `json:"readOnlyTokens"`
}

type fixtureLink struct {
	Name           string `json:"name"`
	Token          string `json:"token"`
	CreatedBy      string `json:"createdBy"`
	IPFilterID     string `json:"ipFilterId"`
	QueryOwnership string `json:"queryOwnership"` // "Organization" (default) or "User"
	UserID         string `json:"userId"`         // with "User": whose queries
}

type fixtureIPFilter struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	IPFilter string `json:"ipFilter"`
}

type fixtureToken struct {
	ID          string   `json:"id"`
	Secret      string   `json:"secret"`
	Type        string   `json:"type"` // personal, view, system or organization
	Name        string   `json:"name"`
	UserID      string   `json:"userId"`
	ViewIDs     []string `json:"viewIds"`
	Permissions []string `json:"permissions"`
	IPFilterID  string   `json:"ipFilterId"`
	CreatedAt   int64    `json:"createdAt"`
	ExpireAt    *int64   `json:"expireAt"`
}

var fixtureKinds = map[string]tokenKind{
	"personal":     kindPersonal,
	"view":         kindView,
	"system":       kindSystem,
	"organization": kindOrganization,
}

// loadFixtures reads logscale.json from fsys into a new state. A missing file
// gives an empty state with a default organization.
func loadFixtures(fsys fs.FS) (*state, error) {
	var f fixtureFile
	if _, err := api.ReadFixture(fsys, FixtureFile, &f); err != nil {
		return nil, err
	}
	st, err := buildState(&f)
	if err != nil {
		return nil, api.FixtureError(fsys, FixtureFile, err)
	}
	return st, nil
}

// buildState checks the fixtures for consistency and turns them into a state.
func buildState(f *fixtureFile) (*state, error) {
	st := newState()
	st.org = organization{id: "tokenfake", name: "tokenfake", policies: defaultPolicies()}
	if o := f.Organization; o != nil {
		if o.ID != "" {
			st.org.id = o.ID
		}
		if o.Name != "" {
			st.org.name = o.Name
		}
	}
	for i, u := range f.Users {
		if u.ID == "" || u.Username == "" {
			return nil, fmt.Errorf("users[%d]: id and username are required", i)
		}
		if _, dup := st.usersByID[u.ID]; dup {
			return nil, fmt.Errorf("users[%d]: duplicate id %q", i, u.ID)
		}
		nu := &user{id: u.ID, username: u.Username, fullName: u.FullName, email: u.Email,
			isRoot: u.IsRoot, isOrgRoot: u.IsOrgRoot, createdAt: u.CreatedAt.UTC(),
			company: u.Company, countryCode: u.CountryCode, picture: u.Picture}
		st.users = append(st.users, nu)
		st.usersByID[u.ID] = nu
	}
	addDomains := func(list []fixtureDomain, field string, repo bool) error {
		for i, d := range list {
			if d.ID == "" || d.Name == "" {
				return fmt.Errorf("%s[%d]: id and name are required", field, i)
			}
			if _, dup := st.domainsByID[d.ID]; dup {
				return fmt.Errorf("%s[%d]: duplicate id %q", field, i, d.ID)
			}
			if st.domainByName(d.Name) != nil {
				return fmt.Errorf("%s[%d]: duplicate name %q", field, i, d.Name)
			}
			nd := &searchDomain{id: d.ID, name: d.Name, description: d.Description, isRepository: repo,
				automaticSearch: d.AutomaticSearch == nil || *d.AutomaticSearch}
			if repo && len(d.Connections) > 0 {
				return fmt.Errorf("%s[%d]: a repository has no connections", field, i)
			}
			for j, c := range d.Connections {
				r := st.domainByName(c.Repository)
				if r == nil || !r.isRepository {
					return fmt.Errorf("%s[%d]: connections[%d]: unknown repository %q", field, i, j, c.Repository)
				}
				nd.connections = append(nd.connections, viewConnection{repositoryID: r.id, filter: c.Filter})
			}
			st.domains = append(st.domains, nd)
			st.domainsByID[d.ID] = nd
			if !repo {
				if len(d.Parsers) > 0 || len(d.IngestTokens) > 0 {
					return fmt.Errorf("%s[%d]: a view has no parsers or ingest tokens", field, i)
				}
				continue
			}
			if err := addIngest(st, nd.id, d, fmt.Sprintf("%s[%d]", field, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := addDomains(f.Repositories, "repositories", true); err != nil {
		return nil, err
	}
	if err := addDomains(f.Views, "views", false); err != nil {
		return nil, err
	}
	for i, fl := range f.IPFilters {
		if fl.ID == "" || fl.Name == "" {
			return nil, fmt.Errorf("ipFilters[%d]: id and name are required", i)
		}
		if _, dup := st.ipFiltersByID[fl.ID]; dup {
			return nil, fmt.Errorf("ipFilters[%d]: duplicate id %q", i, fl.ID)
		}
		if _, err := parseIPFilter(fl.IPFilter); err != nil {
			return nil, fmt.Errorf("ipFilters[%d]: ipFilter: %w", i, err)
		}
		st.putIPFilter(&ipFilter{id: fl.ID, name: fl.Name, filter: fl.IPFilter})
	}
	checkIPFilter := func(where, id string) error {
		if id != "" && st.ipFiltersByID[id] == nil {
			return fmt.Errorf("%s: unknown ipFilterId %q", where, id)
		}
		return nil
	}
	for i, d := range f.Dashboards {
		where := fmt.Sprintf("dashboards[%d]", i)
		if d.ID == "" || d.Name == "" {
			return nil, fmt.Errorf("%s: id and name are required", where)
		}
		if _, dup := st.dashboards[d.ID]; dup {
			return nil, fmt.Errorf("%s: duplicate id %q", where, d.ID)
		}
		dom := st.domainByName(d.SearchDomain)
		if dom == nil {
			return nil, fmt.Errorf("%s: unknown searchDomain %q", where, d.SearchDomain)
		}
		nd := &dashboard{id: d.ID, name: d.Name, description: d.Description, domainID: dom.id}
		for j, l := range d.ReadOnlyTokens {
			lw := fmt.Sprintf("%s.readOnlyTokens[%d]", where, j)
			if l.Name == "" || l.Token == "" {
				return nil, fmt.Errorf("%s: name and token are required", lw)
			}
			if err := checkIPFilter(lw, l.IPFilterID); err != nil {
				return nil, err
			}
			nl := &dashboardLink{name: l.Name, token: l.Token, createdBy: l.CreatedBy, ipFilterID: l.IPFilterID}
			switch l.QueryOwnership {
			case "", "Organization":
			case "User":
				if st.usersByID[l.UserID] == nil {
					return nil, fmt.Errorf("%s: queryOwnership User needs the userId of a user, not %q", lw, l.UserID)
				}
				nl.ownerUser = l.UserID
			default:
				return nil, fmt.Errorf("%s: queryOwnership %q is neither Organization nor User", lw, l.QueryOwnership)
			}
			nd.links = append(nd.links, nl)
		}
		st.dashboards[d.ID] = nd
		nDom := *dom
		nDom.dashboardIDs = append(slices.Clone(dom.dashboardIDs), d.ID)
		st.replaceDomain(&nDom)
	}
	for i, t := range f.Tokens {
		where := fmt.Sprintf("tokens[%d]", i)
		kind, ok := fixtureKinds[t.Type]
		if !ok {
			return nil, fmt.Errorf("%s: type %q is not one of personal, view, system, organization", where, t.Type)
		}
		if t.ID == "" || t.Secret == "" || strings.Contains(t.ID, "~") || strings.Contains(t.Secret, "~") {
			return nil, fmt.Errorf("%s: id and secret are required and must not contain '~'", where)
		}
		if _, dup := st.tokens[t.ID]; dup {
			return nil, fmt.Errorf("%s: duplicate id %q", where, t.ID)
		}
		if err := checkIPFilter(where, t.IPFilterID); err != nil {
			return nil, err
		}
		nt := &token{id: t.ID, secret: t.Secret, kind: kind, name: t.Name, ipFilterID: t.IPFilterID,
			createdAt: t.CreatedAt, expireAt: t.ExpireAt, permissions: slices.Clone(t.Permissions)}
		switch kind {
		case kindPersonal:
			if st.usersByID[t.UserID] == nil {
				return nil, fmt.Errorf("%s: a personal token needs the userId of a user, not %q", where, t.UserID)
			}
			if _, dup := st.personal[t.UserID]; dup {
				return nil, fmt.Errorf("%s: user %q already has a personal token", where, t.UserID)
			}
			if nt.name == "" {
				nt.name = personalTokenName
			}
			nt.userID, nt.permissions = t.UserID, nil
		case kindView:
			if len(t.ViewIDs) == 0 {
				return nil, fmt.Errorf("%s: a view token needs viewIds", where)
			}
			for _, id := range t.ViewIDs {
				if st.domainsByID[id] == nil {
					return nil, fmt.Errorf("%s: unknown view or repository id %q", where, id)
				}
			}
			nt.viewIDs = slices.Clone(t.ViewIDs)
		}
		if nt.name == "" {
			return nil, fmt.Errorf("%s: name is required", where)
		}
		if nt.permissions == nil && kind != kindPersonal {
			nt.permissions = []string{}
		}
		nt.lowerName = strings.ToLower(nt.name)
		st.putToken(nt)
	}
	if o := f.Organization; o != nil && o.TokenSecurityPolicies != nil {
		p, err := fixturePoliciesToState(o.TokenSecurityPolicies, st)
		if err != nil {
			return nil, fmt.Errorf("organization.tokenSecurityPolicies: %w", err)
		}
		st.org.policies = p
	}
	return st, nil
}

// addIngest gives the repository with id repoID the built-in parsers, the
// parsers of d and the ingest tokens of d.
func addIngest(st *state, repoID string, d fixtureDomain, where string) error {
	parsers := builtInParserList(repoID)
	for j, fp := range d.Parsers {
		pw := fmt.Sprintf("%s.parsers[%d]", where, j)
		if fp.Name == "" {
			return fmt.Errorf("%s: name is required", pw)
		}
		p := &eventParser{id: fp.ID, name: fp.Name, description: fp.Description}
		if p.id == "" {
			p.id = parserID(repoID, fp.Name)
		}
		i := slices.IndexFunc(parsers, func(o *eventParser) bool { return o.name == p.name })
		switch {
		case i >= 0 && !parsers[i].builtIn:
			return fmt.Errorf("%s: duplicate name %q", pw, p.name)
		case i >= 0:
			parsers = slices.Delete(parsers, i, i+1)
		}
		if slices.ContainsFunc(parsers, func(o *eventParser) bool { return o.id == p.id }) {
			return fmt.Errorf("%s: duplicate id %q", pw, p.id)
		}
		parsers = append(parsers, p)
	}
	slices.SortStableFunc(parsers, func(a, b *eventParser) int {
		if a.builtIn != b.builtIn {
			if a.builtIn {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	st.parsers[repoID] = parsers
	for j, ft := range d.IngestTokens {
		tw := fmt.Sprintf("%s.ingestTokens[%d]", where, j)
		if ft.Name == "" || !validCustomToken(ft.Token) {
			return fmt.Errorf("%s: name and token are required; the token is 1 to %d printable characters without spaces", tw, MaxCustomTokenLength)
		}
		if st.ingestTokenByName(repoID, ft.Name) != nil {
			return fmt.Errorf("%s: duplicate name %q", tw, ft.Name)
		}
		if st.ingestBySecret[ft.Token] != nil {
			return fmt.Errorf("%s: duplicate token %q", tw, ft.Token)
		}
		t := &ingestToken{repoID: repoID, name: ft.Name, token: ft.Token}
		if ft.Parser != "" {
			p := st.parserByName(repoID, ft.Parser)
			if p == nil {
				return fmt.Errorf("%s: unknown parser %q", tw, ft.Parser)
			}
			t.parserID = p.id
		}
		st.putIngestToken(t)
	}
	return nil
}

// defaultPolicies are the token security policies of a new organization:
// every kind of token may be made, permissions may not be changed.
func defaultPolicies() policies {
	return policies{personalEnabled: true, viewEnabled: true, orgEnabled: true, systemEnabled: true}
}

func fixturePoliciesToState(fp *fixturePolicies, st *state) (policies, error) {
	p := defaultPolicies()
	setBool := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	var err error
	setFilter := func(dst *string, src *string, name string) {
		if src == nil || *src == "" || err != nil {
			return
		}
		if st.ipFiltersByID[*src] == nil {
			err = fmt.Errorf("%s: unknown IP filter id %q", name, *src)
			return
		}
		*dst = *src
	}
	setBool(&p.personalEnabled, fp.PersonalUserTokensEnabled)
	p.personalExpireAfter = fp.PersonalUserTokensEnforceExpirationAfterMs
	setFilter(&p.personalIPFilter, fp.PersonalUserTokensEnforceIPFilterID, "personalUserTokensEnforceIpFilterId")
	setBool(&p.viewEnabled, fp.ViewPermissionTokensEnabled)
	p.viewExpireAfter = fp.ViewPermissionTokensEnforceExpirationAfterMs
	setFilter(&p.viewIPFilter, fp.ViewPermissionTokensEnforceIPFilterID, "viewPermissionTokensEnforceIpFilterId")
	setBool(&p.viewUpdates, fp.ViewPermissionTokensAllowPermissionUpdates)
	setBool(&p.orgEnabled, fp.OrganizationPermissionTokensEnabled)
	p.orgExpireAfter = fp.OrganizationPermissionTokensEnforceExpirationAfterMs
	setFilter(&p.orgIPFilter, fp.OrganizationPermissionTokensEnforceIPFilterID, "organizationPermissionTokensEnforceIpFilterId")
	setBool(&p.orgUpdates, fp.OrganizationPermissionTokensAllowPermissionUpdates)
	setBool(&p.systemEnabled, fp.SystemPermissionTokensEnabled)
	p.systemExpireAfter = fp.SystemPermissionTokensEnforceExpirationAfterMs
	setFilter(&p.systemIPFilter, fp.SystemPermissionTokensEnforceIPFilterID, "systemPermissionTokensEnforceIpFilterId")
	setBool(&p.systemUpdates, fp.SystemPermissionTokensAllowPermissionUpdates)
	return p, err
}
