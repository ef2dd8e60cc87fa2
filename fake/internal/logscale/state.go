package logscale

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"
)

// tokenKind is the kind of a token; its value is the GraphQL object type.
type tokenKind string

const (
	kindPersonal     tokenKind = "PersonalUserToken"
	kindView         tokenKind = "ViewPermissionsToken"
	kindSystem       tokenKind = "SystemPermissionsToken"
	kindOrganization tokenKind = "OrganizationPermissionsToken"
)

// typeFilterKinds maps the values of the Tokens__Type enum to token kinds.
// OrganizationManagementPermissionToken has no kind: no token matches it.
var typeFilterKinds = map[string]tokenKind{
	"ViewPermissionToken":         kindView,
	"SystemPermissionToken":       kindSystem,
	"OrganizationPermissionToken": kindOrganization,
}

// personalTokenName is the name LogScale shows for a personal token.
const personalTokenName = "Personal token"

// The entities below are never changed once stored: an update stores a
// changed copy. Resolvers can therefore read them without holding the lock.

// token is an access token.
type token struct {
	id          string
	secret      string
	kind        tokenKind
	name        string
	lowerName   string
	userID      string   // personal tokens: the owner
	viewIDs     []string // view tokens: the repositories and views
	permissions []string // view, system and organization tokens
	ipFilterID  string   // "" for none
	createdAt   int64    // epoch milliseconds
	expireAt    *int64   // epoch milliseconds; nil for never
}

// String returns the token string a client authenticates with.
func (t *token) String() string { return t.id + "~" + t.secret }

// expired reports whether t no longer authenticates at now.
func (t *token) expired(now time.Time) bool {
	return t.expireAt != nil && now.UnixMilli() >= *t.expireAt
}

type user struct {
	id        string
	username  string
	fullName  string
	email     string
	isRoot    bool
	isOrgRoot bool
	createdAt time.Time
	// optional profile fields
	company, countryCode, picture string
}

// searchDomain is a repository or a view.
type searchDomain struct {
	id           string
	name         string
	description  string
	isRepository bool
	dashboardIDs []string
	// automaticSearch is LogScale's setting of the same name.
	automaticSearch bool
	// connections are a view's repositories.
	connections []viewConnection
}

// viewConnection is one repository of a view and the filter applied to it.
type viewConnection struct {
	repositoryID string
	filter       string
}

type dashboard struct {
	id          string
	name        string
	description string
	domainID    string
	links       []*dashboardLink
}

type dashboardLink struct {
	name       string
	token      string
	createdBy  string
	ipFilterID string
	ownerUser  string // the user's id when queries run as a user; "" for the organization
}

type ipFilter struct {
	id     string
	name   string
	filter string
}

// policies are the organization's token security policies. An enforced IP
// filter id of "" means none is enforced.
type policies struct {
	personalEnabled     bool
	personalExpireAfter *int64
	personalIPFilter    string
	viewEnabled         bool
	viewExpireAfter     *int64
	viewIPFilter        string
	viewUpdates         bool
	orgEnabled          bool
	orgExpireAfter      *int64
	orgIPFilter         string
	orgUpdates          bool
	systemEnabled       bool
	systemExpireAfter   *int64
	systemIPFilter      string
	systemUpdates       bool
}

// forKind returns the rules for new tokens of kind k.
func (p *policies) forKind(k tokenKind) (enabled bool, expireAfter *int64, ipFilterID string) {
	switch k {
	case kindPersonal:
		return p.personalEnabled, p.personalExpireAfter, p.personalIPFilter
	case kindView:
		return p.viewEnabled, p.viewExpireAfter, p.viewIPFilter
	case kindSystem:
		return p.systemEnabled, p.systemExpireAfter, p.systemIPFilter
	default:
		return p.orgEnabled, p.orgExpireAfter, p.orgIPFilter
	}
}

// allowsUpdates reports whether the permissions of tokens of kind k may change.
func (p *policies) allowsUpdates(k tokenKind) bool {
	switch k {
	case kindView:
		return p.viewUpdates
	case kindSystem:
		return p.systemUpdates
	case kindOrganization:
		return p.orgUpdates
	}
	return false
}

type organization struct {
	id       string
	name     string
	policies policies
}

// state is everything the API knows. The API guards it with its mutex.
type state struct {
	org           organization
	users         []*user // in fixture order
	usersByID     map[string]*user
	domains       []*searchDomain // repositories, then views, in fixture order
	domainsByID   map[string]*searchDomain
	dashboards    map[string]*dashboard
	ipFilters     []*ipFilter // in creation order
	ipFiltersByID map[string]*ipFilter
	tokens        map[string]*token
	personal      map[string]string // user id -> id of the user's personal token
	// byName and byExpiry hold the listed (non-personal) tokens in
	// ascending order of the two sort keys of the tokens query.
	byName   []*token
	byExpiry []*token
	// parsers are each repository's parsers by repository id: the built-in
	// ones, then the repository's own. They never change after loading.
	parsers map[string][]*eventParser
	// ingestTokens are each repository's ingest tokens by repository id,
	// in order of name; a list is replaced, never changed in place.
	ingestTokens map[string][]*ingestToken
	// ingestBySecret finds an ingest token by its token string.
	ingestBySecret map[string]*ingestToken
}

func newState() *state {
	return &state{
		usersByID:      map[string]*user{},
		domainsByID:    map[string]*searchDomain{},
		dashboards:     map[string]*dashboard{},
		ipFiltersByID:  map[string]*ipFilter{},
		tokens:         map[string]*token{},
		personal:       map[string]string{},
		parsers:        map[string][]*eventParser{},
		ingestTokens:   map[string][]*ingestToken{},
		ingestBySecret: map[string]*ingestToken{},
	}
}

// clone returns a copy of s that can change without changing s. Entities
// are shared: they are never changed in place.
func (s *state) clone() *state {
	return &state{
		org:            s.org,
		users:          slices.Clone(s.users),
		usersByID:      maps.Clone(s.usersByID),
		domains:        slices.Clone(s.domains),
		domainsByID:    maps.Clone(s.domainsByID),
		dashboards:     maps.Clone(s.dashboards),
		ipFilters:      slices.Clone(s.ipFilters),
		ipFiltersByID:  maps.Clone(s.ipFiltersByID),
		tokens:         maps.Clone(s.tokens),
		personal:       maps.Clone(s.personal),
		byName:         slices.Clone(s.byName),
		byExpiry:       slices.Clone(s.byExpiry),
		parsers:        s.parsers,
		ingestTokens:   maps.Clone(s.ingestTokens),
		ingestBySecret: maps.Clone(s.ingestBySecret),
	}
}

// compareByName orders tokens by name ignoring case, then by name, then by id.
func compareByName(a, b *token) int {
	return cmp.Or(strings.Compare(a.lowerName, b.lowerName), strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
}

// compareByExpiry orders tokens by expiry, those that never expire last,
// then as compareByName does.
func compareByExpiry(a, b *token) int {
	switch {
	case a.expireAt == nil && b.expireAt != nil:
		return 1
	case a.expireAt != nil && b.expireAt == nil:
		return -1
	case a.expireAt != nil && b.expireAt != nil && *a.expireAt != *b.expireAt:
		return cmp.Compare(*a.expireAt, *b.expireAt)
	}
	return compareByName(a, b)
}

// putToken stores t, replacing any token with the same id.
func (s *state) putToken(t *token) {
	s.removeToken(t.id)
	s.tokens[t.id] = t
	if t.kind == kindPersonal {
		s.personal[t.userID] = t.id
		return
	}
	s.byName = insertSorted(s.byName, t, compareByName)
	s.byExpiry = insertSorted(s.byExpiry, t, compareByExpiry)
}

// removeToken deletes the token with id, if there is one.
func (s *state) removeToken(id string) {
	t, ok := s.tokens[id]
	if !ok {
		return
	}
	delete(s.tokens, id)
	if t.kind == kindPersonal {
		if s.personal[t.userID] == id {
			delete(s.personal, t.userID)
		}
		return
	}
	s.byName = removeSorted(s.byName, t, compareByName)
	s.byExpiry = removeSorted(s.byExpiry, t, compareByExpiry)
}

func insertSorted(list []*token, t *token, cmp func(a, b *token) int) []*token {
	i, _ := slices.BinarySearchFunc(list, t, cmp)
	return slices.Insert(list, i, t)
}

func removeSorted(list []*token, t *token, cmp func(a, b *token) int) []*token {
	if i, ok := slices.BinarySearchFunc(list, t, cmp); ok {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// domainByName finds a repository or view by name: an exact match first,
// then one that differs only in case.
func (s *state) domainByName(name string) *searchDomain {
	for _, d := range s.domains {
		if d.name == name {
			return d
		}
	}
	for _, d := range s.domains {
		if strings.EqualFold(d.name, name) {
			return d
		}
	}
	return nil
}

// putIPFilter stores f, replacing any filter with the same id in place.
func (s *state) putIPFilter(f *ipFilter) {
	if _, ok := s.ipFiltersByID[f.id]; ok {
		i := slices.IndexFunc(s.ipFilters, func(g *ipFilter) bool { return g.id == f.id })
		s.ipFilters[i] = f
	} else {
		s.ipFilters = append(s.ipFilters, f)
	}
	s.ipFiltersByID[f.id] = f
}

func (s *state) removeIPFilter(id string) {
	delete(s.ipFiltersByID, id)
	s.ipFilters = slices.DeleteFunc(s.ipFilters, func(f *ipFilter) bool { return f.id == id })
}

// replaceDomain stores d in place of the repository or view with its id.
func (s *state) replaceDomain(d *searchDomain) {
	i := slices.IndexFunc(s.domains, func(e *searchDomain) bool { return e.id == d.id })
	s.domains[i] = d
	s.domainsByID[d.id] = d
}
