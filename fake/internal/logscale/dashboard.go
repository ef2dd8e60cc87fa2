package logscale

import (
	"context"
	"slices"
	"strings"

	"github.com/tokenfake/tokenfake/fake/internal/random"
)

// CreateReadonlyToken resolves Mutation.createReadonlyToken.
func (mutationRoot) CreateReadonlyToken(ctx context.Context, args struct {
	ID                 string
	Name               string
	IPFilterID         *string
	QueryOwnershipType *string
}) (*dashboardLinkResolver, error) {
	c := callFrom(ctx)
	a := c.api
	name := strings.TrimSpace(args.Name)
	a.lockToChange()
	defer a.mu.Unlock()
	d := a.st.dashboards[args.ID]
	if d == nil {
		return nil, errNotFound
	}
	if name == "" {
		return nil, errNameEmpty
	}
	l := &dashboardLink{name: name, createdBy: c.tok.name}
	if c.user != nil {
		l.createdBy = c.user.username
	}
	if args.IPFilterID != nil && *args.IPFilterID != "" {
		if a.st.ipFiltersByID[*args.IPFilterID] == nil {
			return nil, errNotFound
		}
		l.ipFilterID = *args.IPFilterID
	}
	if args.QueryOwnershipType != nil && *args.QueryOwnershipType == "User" {
		if c.user == nil {
			return nil, errNoUser
		}
		l.ownerUser = c.user.id
	}
	l.token = a.env.Random.String(random.Alnum, entityIDLength)
	nd := *d
	nd.links = append(slices.Clone(d.links), l)
	a.st.dashboards[d.id] = &nd
	return &dashboardLinkResolver{api: a, l: l}, nil
}

// DeleteReadonlyToken resolves Mutation.deleteReadonlyToken.
func (mutationRoot) DeleteReadonlyToken(ctx context.Context, args struct{ ID, Token string }) (*booleanResult, error) {
	a := callFrom(ctx).api
	a.lockToChange()
	defer a.mu.Unlock()
	d := a.st.dashboards[args.ID]
	if d == nil {
		return nil, errNotFound
	}
	i := slices.IndexFunc(d.links, func(l *dashboardLink) bool { return l.token == args.Token })
	if i < 0 {
		return nil, errNotFound
	}
	nd := *d
	nd.links = slices.Delete(slices.Clone(d.links), i, i+1)
	a.st.dashboards[d.id] = &nd
	return &booleanResult{ok: true}, nil
}

// dashboardResolver resolves Dashboard.
type dashboardResolver struct {
	api *API
	d   *dashboard
}

// dashboardLinkResolver resolves DashboardLink.
type dashboardLinkResolver struct {
	api *API
	l   *dashboardLink
}

// ownershipResolver resolves QueryOwnership, UserOwnership and
// OrganizationOwnership.
type ownershipResolver struct {
	api    *API
	userID string // "" for the organization
}

// ID resolves Dashboard.id.
func (r *dashboardResolver) ID() string { return r.d.id }

// Name resolves Dashboard.name.
func (r *dashboardResolver) Name() string { return r.d.name }

// DisplayName resolves Dashboard.displayName.
func (r *dashboardResolver) DisplayName() string { return r.d.name }

// Description resolves Dashboard.description.
func (r *dashboardResolver) Description() *string { return optional(r.d.description) }

// ReadOnlyTokens resolves Dashboard.readOnlyTokens.
func (r *dashboardResolver) ReadOnlyTokens() []*dashboardLinkResolver {
	r.api.mu.RLock()
	d := r.api.st.dashboards[r.d.id]
	r.api.mu.RUnlock()
	if d == nil {
		d = r.d
	}
	out := make([]*dashboardLinkResolver, 0, len(d.links))
	for _, l := range d.links {
		out = append(out, &dashboardLinkResolver{api: r.api, l: l})
	}
	return out
}

// SearchDomain resolves Dashboard.searchDomain.
func (r *dashboardResolver) SearchDomain() (*searchDomainResolver, error) {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	d := r.api.st.domainsByID[r.d.domainID]
	if d == nil {
		return nil, errNotFound
	}
	return &searchDomainResolver{api: r.api, d: d}, nil
}

// Name resolves DashboardLink.name.
func (r *dashboardLinkResolver) Name() string { return r.l.name }

// Token resolves DashboardLink.token.
func (r *dashboardLinkResolver) Token() string { return r.l.token }

// CreatedBy resolves DashboardLink.createdBy.
func (r *dashboardLinkResolver) CreatedBy() string { return r.l.createdBy }

// IPFilter resolves DashboardLink.ipFilter.
func (r *dashboardLinkResolver) IPFilter() *ipFilterResolver {
	return newIPFilterResolver(r.api.ipFilter(r.l.ipFilterID))
}

// QueryOwnership resolves DashboardLink.queryOwnership.
func (r *dashboardLinkResolver) QueryOwnership() *ownershipResolver {
	return &ownershipResolver{api: r.api, userID: r.l.ownerUser}
}

// ID resolves QueryOwnership.id.
func (r *ownershipResolver) ID() string {
	if r.userID != "" {
		return r.userID
	}
	return r.api.organizationResolver().ID()
}

// User resolves UserOwnership.user.
func (r *ownershipResolver) User() *userResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	u := r.api.st.usersByID[r.userID]
	if u == nil {
		return nil
	}
	return &userResolver{api: r.api, u: u}
}

// Organization resolves OrganizationOwnership.organization.
func (r *ownershipResolver) Organization() *organizationResolver {
	return r.api.organizationResolver()
}

// ToUserOwnership resolves the ownership as a UserOwnership.
func (r *ownershipResolver) ToUserOwnership() (*ownershipResolver, bool) { return r, r.userID != "" }

// ToOrganizationOwnership resolves the ownership as an OrganizationOwnership.
func (r *ownershipResolver) ToOrganizationOwnership() (*ownershipResolver, bool) {
	return r, r.userID == ""
}
