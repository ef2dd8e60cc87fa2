package logscale

import (
	"errors"
	"slices"
)

// The resolvers below wrap stored entities, which never change once stored,
// so their plain fields are read without the lock; fields that look up other
// entities take the read lock.

// errNotFound is LogScale's answer for an id or name that names nothing.
var errNotFound = errors.New("Entity Not Found")

// tokenResolver resolves the Token interface and its four object types.
// Its exported fields resolve the Token fields of the same names: graphql-go
// reads a field without the reflective call a method takes, and a page
// lists many tokens.
type tokenResolver struct {
	api *API
	t   *token

	ID        string // Token.id
	Name      string // Token.name
	CreatedAt Long   // Token.createdAt
	ExpireAt  *Long  // Token.expireAt
}

// newTokenResolver returns the resolver of t, a token of a.
func newTokenResolver(a *API, t *token) tokenResolver {
	return tokenResolver{api: a, t: t, ID: t.id, Name: t.name, CreatedAt: Long(t.createdAt), ExpireAt: longPtr(t.expireAt)}
}

// IPFilter resolves Token.ipFilter: the rules of the token's filter.
func (r *tokenResolver) IPFilter() *string {
	f := r.api.ipFilter(r.t.ipFilterID)
	if f == nil {
		return nil
	}
	return &f.filter
}

// IPFilterV2 resolves Token.ipFilterV2.
func (r *tokenResolver) IPFilterV2() *ipFilterResolver {
	return newIPFilterResolver(r.api.ipFilter(r.t.ipFilterID))
}

// Permissions resolves the permissions of view, system and organization tokens.
func (r *tokenResolver) Permissions() []string {
	if r.t.permissions == nil {
		return []string{}
	}
	return r.t.permissions
}

// Views resolves ViewPermissionsToken.views: those of the token's
// repositories and views that still exist.
func (r *tokenResolver) Views() []*searchDomainResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	out := []*searchDomainResolver{}
	for _, id := range r.t.viewIDs {
		if d := r.api.st.domainsByID[id]; d != nil {
			out = append(out, &searchDomainResolver{api: r.api, d: d})
		}
	}
	return out
}

// ToPersonalUserToken resolves the token as a PersonalUserToken.
func (r *tokenResolver) ToPersonalUserToken() (*tokenResolver, bool) {
	return r, r.t.kind == kindPersonal
}

// ToViewPermissionsToken resolves the token as a ViewPermissionsToken.
func (r *tokenResolver) ToViewPermissionsToken() (*tokenResolver, bool) {
	return r, r.t.kind == kindView
}

// ToSystemPermissionsToken resolves the token as a SystemPermissionsToken.
func (r *tokenResolver) ToSystemPermissionsToken() (*tokenResolver, bool) {
	return r, r.t.kind == kindSystem
}

// ToOrganizationPermissionsToken resolves the token as an OrganizationPermissionsToken.
func (r *tokenResolver) ToOrganizationPermissionsToken() (*tokenResolver, bool) {
	return r, r.t.kind == kindOrganization
}

// tokenPage resolves TokenQueryResultSet from its fields, which graphql-go
// reads without a reflective call.
type tokenPage struct {
	TotalResults int32            // TokenQueryResultSet.totalResults
	Results      []*tokenResolver // TokenQueryResultSet.results
}

// ipFilterResolver resolves IPFilter.
type ipFilterResolver struct{ f *ipFilter }

func newIPFilterResolver(f *ipFilter) *ipFilterResolver {
	if f == nil {
		return nil
	}
	return &ipFilterResolver{f: f}
}

// ID resolves IPFilter.id.
func (r *ipFilterResolver) ID() string { return r.f.id }

// Name resolves IPFilter.name.
func (r *ipFilterResolver) Name() string { return r.f.name }

// IPFilter resolves IPFilter.ipFilter.
func (r *ipFilterResolver) IPFilter() string { return r.f.filter }

// userResolver resolves User and Account.
type userResolver struct {
	api *API
	u   *user
}

// ID resolves the user's id.
func (r *userResolver) ID() string { return r.u.id }

// Username resolves the user's username.
func (r *userResolver) Username() string { return r.u.username }

// DisplayName resolves User.displayName.
func (r *userResolver) DisplayName() string {
	if r.u.fullName != "" {
		return r.u.fullName
	}
	return r.u.username
}

// IsRoot resolves the user's isRoot.
func (r *userResolver) IsRoot() bool { return r.u.isRoot }

// IsOrgRoot resolves User.isOrgRoot.
func (r *userResolver) IsOrgRoot() bool { return r.u.isOrgRoot }

// IsOrganizationRoot resolves Account.isOrganizationRoot.
func (r *userResolver) IsOrganizationRoot() bool { return r.u.isOrgRoot }

// FullName resolves the user's fullName.
func (r *userResolver) FullName() *string { return optional(r.u.fullName) }

// Email resolves the user's email.
func (r *userResolver) Email() *string { return optional(r.u.email) }

// Company resolves User.company.
func (r *userResolver) Company() *string { return optional(r.u.company) }

// CountryCode resolves User.countryCode.
func (r *userResolver) CountryCode() *string { return optional(r.u.countryCode) }

// Picture resolves User.picture.
func (r *userResolver) Picture() *string { return optional(r.u.picture) }

// CreatedAt resolves the user's createdAt.
func (r *userResolver) CreatedAt() DateTime { return DateTime(r.u.createdAt) }

// CurrentOrganization resolves Account.currentOrganization.
func (r *userResolver) CurrentOrganization() *organizationResolver {
	return r.api.organizationResolver()
}

// Token resolves Account.token: the user's personal token, if any.
func (r *userResolver) Token() *tokenResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	t := r.api.st.tokens[r.api.st.personal[r.u.id]]
	if t == nil {
		return nil
	}
	tr := newTokenResolver(r.api, t)
	return &tr
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// searchDomainResolver resolves SearchDomain, View and Repository.
type searchDomainResolver struct {
	api *API
	d   *searchDomain
}

// ID resolves SearchDomain.id.
func (r *searchDomainResolver) ID() string { return r.d.id }

// Name resolves SearchDomain.name.
func (r *searchDomainResolver) Name() RepoOrViewName { return RepoOrViewName(r.d.name) }

// Description resolves SearchDomain.description.
func (r *searchDomainResolver) Description() *string { return optional(r.d.description) }

// AutomaticSearch resolves SearchDomain.automaticSearch.
func (r *searchDomainResolver) AutomaticSearch() bool { return r.d.automaticSearch }

// IsFederated resolves View.isFederated: the fake has no federated views.
func (r *searchDomainResolver) IsFederated() bool { return false }

// Connections resolves View.connections: those of the view's repositories
// that still exist.
func (r *searchDomainResolver) Connections() []*viewConnectionResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	out := []*viewConnectionResolver{}
	for _, c := range r.d.connections {
		if d := r.api.st.domainsByID[c.repositoryID]; d != nil {
			out = append(out, &viewConnectionResolver{repo: &searchDomainResolver{api: r.api, d: d}, filter: c.filter})
		}
	}
	return out
}

// viewConnectionResolver resolves ViewConnection.
type viewConnectionResolver struct {
	repo   *searchDomainResolver
	filter string
}

// Repository resolves ViewConnection.repository.
func (r *viewConnectionResolver) Repository() *searchDomainResolver { return r.repo }

// Filter resolves ViewConnection.filter.
func (r *viewConnectionResolver) Filter() string { return r.filter }

// Dashboard resolves SearchDomain.dashboard(id).
func (r *searchDomainResolver) Dashboard(args struct{ ID string }) (*dashboardResolver, error) {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	d := r.api.st.dashboards[args.ID]
	if d == nil || d.domainID != r.d.id {
		return nil, errNotFound
	}
	return &dashboardResolver{api: r.api, d: d}, nil
}

// Dashboards resolves SearchDomain.dashboards.
func (r *searchDomainResolver) Dashboards() []*dashboardResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	cur := r.api.st.domainsByID[r.d.id]
	if cur == nil {
		cur = r.d
	}
	out := []*dashboardResolver{}
	for _, id := range cur.dashboardIDs {
		if d := r.api.st.dashboards[id]; d != nil {
			out = append(out, &dashboardResolver{api: r.api, d: d})
		}
	}
	return out
}

// ToView resolves the search domain as a View.
func (r *searchDomainResolver) ToView() (*searchDomainResolver, bool) { return r, !r.d.isRepository }

// ToRepository resolves the search domain as a Repository.
func (r *searchDomainResolver) ToRepository() (*searchDomainResolver, bool) {
	return r, r.d.isRepository
}

// booleanResult resolves BooleanResultType.
type booleanResult struct{ ok bool }

// Result resolves BooleanResultType.result.
func (b *booleanResult) Result() bool { return b.ok }

// createOutput resolves the Create*TokenV2Output types.
type createOutput struct {
	str string
	t   *tokenResolver
}

// Token resolves the token string.
func (o *createOutput) Token() string { return o.str }

// TokenMetadata resolves the token's details.
func (o *createOutput) TokenMetadata() *tokenResolver { return o.t }

// sortedCopy returns the elements of s sorted and without duplicates.
func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
