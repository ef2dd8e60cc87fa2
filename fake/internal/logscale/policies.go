package logscale

import (
	"context"
	"errors"
)

// policiesInput is the input of updateTokenSecurityPolicies.
type policiesInput struct {
	PersonalUserTokensEnabled                            bool
	PersonalUserTokensEnforceExpirationAfterMs           *Long
	PersonalUserTokensEnforceIPFilterID                  *string
	ViewPermissionTokensEnabled                          bool
	ViewPermissionTokensEnforceExpirationAfterMs         *Long
	ViewPermissionTokensEnforceIPFilterID                *string
	ViewPermissionTokensAllowPermissionUpdates           bool
	OrganizationPermissionTokensEnabled                  bool
	OrganizationPermissionTokensEnforceExpirationAfterMs *Long
	OrganizationPermissionTokensEnforceIPFilterID        *string
	OrganizationPermissionTokensAllowPermissionUpdates   bool
	SystemPermissionTokensEnabled                        *bool
	SystemPermissionTokensEnforceExpirationAfterMs       *Long
	SystemPermissionTokensEnforceIPFilterID              *string
	SystemPermissionTokensAllowPermissionUpdates         *bool
}

// UpdateTokenSecurityPolicies resolves Mutation.updateTokenSecurityPolicies.
// The optional system fields leave their policy unchanged when left out.
func (mutationRoot) UpdateTokenSecurityPolicies(ctx context.Context, args struct{ Input policiesInput }) (*organizationResolver, error) {
	a := callFrom(ctx).api
	in := args.Input
	a.lockToChange()
	defer a.mu.Unlock()
	var err error
	filter := func(id *string) string {
		if id == nil || *id == "" {
			return ""
		}
		if a.st.ipFiltersByID[*id] == nil {
			err = errNotFound
		}
		return *id
	}
	ms := func(l *Long) *int64 {
		if l == nil {
			return nil
		}
		v := int64(*l)
		if v <= 0 && err == nil {
			err = errors.New("An enforced expiration must be a positive number of milliseconds.")
		}
		return &v
	}
	p := a.st.org.policies
	p.personalEnabled = in.PersonalUserTokensEnabled
	p.personalExpireAfter = ms(in.PersonalUserTokensEnforceExpirationAfterMs)
	p.personalIPFilter = filter(in.PersonalUserTokensEnforceIPFilterID)
	p.viewEnabled = in.ViewPermissionTokensEnabled
	p.viewExpireAfter = ms(in.ViewPermissionTokensEnforceExpirationAfterMs)
	p.viewIPFilter = filter(in.ViewPermissionTokensEnforceIPFilterID)
	p.viewUpdates = in.ViewPermissionTokensAllowPermissionUpdates
	p.orgEnabled = in.OrganizationPermissionTokensEnabled
	p.orgExpireAfter = ms(in.OrganizationPermissionTokensEnforceExpirationAfterMs)
	p.orgIPFilter = filter(in.OrganizationPermissionTokensEnforceIPFilterID)
	p.orgUpdates = in.OrganizationPermissionTokensAllowPermissionUpdates
	if in.SystemPermissionTokensEnabled != nil {
		p.systemEnabled = *in.SystemPermissionTokensEnabled
	}
	p.systemExpireAfter = ms(in.SystemPermissionTokensEnforceExpirationAfterMs)
	p.systemIPFilter = filter(in.SystemPermissionTokensEnforceIPFilterID)
	if in.SystemPermissionTokensAllowPermissionUpdates != nil {
		p.systemUpdates = *in.SystemPermissionTokensAllowPermissionUpdates
	}
	if err != nil {
		return nil, err
	}
	a.st.org.policies = p
	return &organizationResolver{api: a, org: a.st.org}, nil
}

// organizationResolver resolves Organization from a copy of the organization.
type organizationResolver struct {
	api *API
	org organization
}

// policiesResolver resolves TokenSecurityPolicies.
type policiesResolver struct {
	api *API
	p   policies
}

// ID resolves Organization.id.
func (r *organizationResolver) ID() string { return r.org.id }

// Name resolves Organization.name.
func (r *organizationResolver) Name() string { return r.org.name }

// Configs resolves Organization.configs.
func (r *organizationResolver) Configs() *organizationResolver { return r }

// Tokens resolves OrganizationConfigs.tokens: the token security policies.
func (r *organizationResolver) Tokens() *policiesResolver {
	return &policiesResolver{api: r.api, p: r.org.policies}
}

// PersonalUserTokensEnabled resolves the field of the same name.
func (r *policiesResolver) PersonalUserTokensEnabled() bool { return r.p.personalEnabled }

// PersonalUserTokensEnforceExpirationAfterMs resolves the field of the same name.
func (r *policiesResolver) PersonalUserTokensEnforceExpirationAfterMs() *Long {
	return longPtr(r.p.personalExpireAfter)
}

// PersonalUserTokensEnforceIPFilter resolves the field of the same name.
func (r *policiesResolver) PersonalUserTokensEnforceIPFilter() *ipFilterResolver {
	return newIPFilterResolver(r.api.ipFilter(r.p.personalIPFilter))
}

// ViewPermissionTokensEnabled resolves the field of the same name.
func (r *policiesResolver) ViewPermissionTokensEnabled() bool { return r.p.viewEnabled }

// ViewPermissionTokensEnforceExpirationAfterMs resolves the field of the same name.
func (r *policiesResolver) ViewPermissionTokensEnforceExpirationAfterMs() *Long {
	return longPtr(r.p.viewExpireAfter)
}

// ViewPermissionTokensEnforceIPFilter resolves the field of the same name.
func (r *policiesResolver) ViewPermissionTokensEnforceIPFilter() *ipFilterResolver {
	return newIPFilterResolver(r.api.ipFilter(r.p.viewIPFilter))
}

// ViewPermissionTokensAllowPermissionUpdates resolves the field of the same name.
func (r *policiesResolver) ViewPermissionTokensAllowPermissionUpdates() *bool {
	return &r.p.viewUpdates
}

// OrganizationPermissionTokensEnabled resolves the field of the same name.
func (r *policiesResolver) OrganizationPermissionTokensEnabled() bool { return r.p.orgEnabled }

// OrganizationPermissionTokensEnforceExpirationAfterMs resolves the field of the same name.
func (r *policiesResolver) OrganizationPermissionTokensEnforceExpirationAfterMs() *Long {
	return longPtr(r.p.orgExpireAfter)
}

// OrganizationPermissionTokensEnforceIPFilter resolves the field of the same name.
func (r *policiesResolver) OrganizationPermissionTokensEnforceIPFilter() *ipFilterResolver {
	return newIPFilterResolver(r.api.ipFilter(r.p.orgIPFilter))
}

// OrganizationPermissionTokensAllowPermissionUpdates resolves the field of the same name.
func (r *policiesResolver) OrganizationPermissionTokensAllowPermissionUpdates() *bool {
	return &r.p.orgUpdates
}

// SystemPermissionTokensEnabled resolves the field of the same name.
func (r *policiesResolver) SystemPermissionTokensEnabled() bool { return r.p.systemEnabled }

// SystemPermissionTokensEnforceExpirationAfterMs resolves the field of the same name.
func (r *policiesResolver) SystemPermissionTokensEnforceExpirationAfterMs() *Long {
	return longPtr(r.p.systemExpireAfter)
}

// SystemPermissionTokensEnforceIPFilter resolves the field of the same name.
func (r *policiesResolver) SystemPermissionTokensEnforceIPFilter() *ipFilterResolver {
	return newIPFilterResolver(r.api.ipFilter(r.p.systemIPFilter))
}

// SystemPermissionTokensAllowPermissionUpdates resolves the field of the same name.
func (r *policiesResolver) SystemPermissionTokensAllowPermissionUpdates() *bool {
	return &r.p.systemUpdates
}
