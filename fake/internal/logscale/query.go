package logscale

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
)

// root is the schema's resolver: its Query and Mutation resolve the two
// root types. graphql-go finds the resolver of each field of a type among
// the methods of its resolver one by one, so each root type has a resolver
// of its own, with only its own fields' methods. They hold nothing: each
// resolver finds the API and the caller in its context.
type root struct{}

// queryRoot resolves Query.
type queryRoot struct{}

// mutationRoot resolves Mutation.
type mutationRoot struct{}

// Query returns the resolver of Query.
func (root) Query() *queryRoot { return &queryRoot{} }

// Mutation returns the resolver of Mutation.
func (root) Mutation() *mutationRoot { return &mutationRoot{} }

// errNoUser answers an operation that needs a user when the request's token
// belongs to none.
var errNoUser = errors.New("This operation requires a token that belongs to a user.")

type tokensArgs struct {
	SearchFilter         *string
	TypeFilter           *[]string
	ParentEntityIDFilter *[]string
	SortBy               string
	OrderBy              *string
	Skip                 *int32
	Limit                *int32
}

// Tokens resolves Query.tokens. Personal tokens are never listed.
func (queryRoot) Tokens(ctx context.Context, args tokensArgs) (*tokenPage, error) {
	c := callFrom(ctx)
	skip, limit := 0, DefaultTokensLimit
	if args.Skip != nil {
		skip = int(*args.Skip)
	}
	if args.Limit != nil {
		limit = int(*args.Limit)
	}
	if skip < 0 {
		return nil, errors.New("The argument 'skip' must not be negative.")
	}
	if limit < 0 {
		return nil, errors.New("The argument 'limit' must not be negative.")
	}
	limit = min(limit, MaxTokensLimit)
	desc := args.OrderBy != nil && *args.OrderBy == "DESC"

	var kinds map[tokenKind]bool
	if args.TypeFilter != nil {
		kinds = map[tokenKind]bool{}
		for _, t := range *args.TypeFilter {
			if k, ok := typeFilterKinds[t]; ok {
				kinds[k] = true
			}
		}
	}
	var parents map[string]bool
	if args.ParentEntityIDFilter != nil {
		parents = map[string]bool{}
		for _, id := range *args.ParentEntityIDFilter {
			parents[id] = true
		}
	}
	search := ""
	if args.SearchFilter != nil {
		search = strings.ToLower(*args.SearchFilter)
	}

	a := c.api
	a.mu.RLock()
	defer a.mu.RUnlock()
	index := a.st.byName
	if args.SortBy == "ExpirationDate" {
		index = a.st.byExpiry
	}
	orgID := a.st.org.id
	match := func(t *token) bool {
		if kinds != nil && !kinds[t.kind] {
			return false
		}
		if search != "" && !strings.Contains(t.lowerName, search) && !strings.Contains(strings.ToLower(t.id), search) {
			return false
		}
		if parents != nil {
			if t.kind == kindView {
				if !slices.ContainsFunc(t.viewIDs, func(id string) bool { return parents[id] }) {
					return false
				}
			} else if !parents[orgID] {
				return false
			}
		}
		return true
	}
	page := &tokenPage{Results: []*tokenResolver{}}
	if kinds == nil && search == "" && parents == nil {
		// Every token matches: the page is a slice of the index.
		page.TotalResults = int32(len(index))
		n := max(0, min(limit, len(index)-skip))
		resolvers := make([]tokenResolver, n)
		page.Results = make([]*tokenResolver, n)
		for j := range n {
			t := index[skip+j]
			if desc {
				t = index[len(index)-1-skip-j]
			}
			resolvers[j] = newTokenResolver(a, t)
			page.Results[j] = &resolvers[j]
		}
		chargeTokens(ctx, page.Results)
		return page, nil
	}
	total := 0
	for i := range index {
		t := index[i]
		if desc {
			t = index[len(index)-1-i]
		}
		if !match(t) {
			continue
		}
		if total >= skip && len(page.Results) < limit {
			tr := newTokenResolver(a, t)
			page.Results = append(page.Results, &tr)
		}
		total++
	}
	page.TotalResults = int32(total)
	chargeTokens(ctx, page.Results)
	return page, nil
}

// Token resolves Query.token.
func (queryRoot) Token(ctx context.Context, args struct{ TokenID string }) (*tokenResolver, error) {
	c := callFrom(ctx)
	c.api.mu.RLock()
	defer c.api.mu.RUnlock()
	t := c.api.st.tokens[args.TokenID]
	if t == nil {
		return nil, errNotFound
	}
	tr := newTokenResolver(c.api, t)
	return &tr, nil
}

// IPFilters resolves Query.ipFilters.
func (queryRoot) IPFilters(ctx context.Context) []*ipFilterResolver {
	c := callFrom(ctx)
	c.api.mu.RLock()
	defer c.api.mu.RUnlock()
	out := make([]*ipFilterResolver, 0, len(c.api.st.ipFilters))
	for _, f := range c.api.st.ipFilters {
		out = append(out, &ipFilterResolver{f: f})
	}
	return out
}

// Viewer resolves Query.viewer: the user whose personal token the request
// carries.
func (queryRoot) Viewer(ctx context.Context) (*userResolver, error) {
	c := callFrom(ctx)
	if c.user == nil {
		return nil, errNoUser
	}
	return &userResolver{api: c.api, u: c.user}, nil
}

// SearchDomain resolves Query.searchDomain.
func (queryRoot) SearchDomain(ctx context.Context, args struct{ Name string }) (*searchDomainResolver, error) {
	c := callFrom(ctx)
	c.api.mu.RLock()
	defer c.api.mu.RUnlock()
	d := c.api.st.domainByName(args.Name)
	if d == nil {
		return nil, errNotFound
	}
	return &searchDomainResolver{api: c.api, d: d}, nil
}

// SearchDomains resolves Query.searchDomains: every repository, then every
// view. The fake has no hidden search domains.
func (queryRoot) SearchDomains(ctx context.Context, _ struct{ IncludeHidden *bool }) []*searchDomainResolver {
	c := callFrom(ctx)
	c.api.mu.RLock()
	defer c.api.mu.RUnlock()
	out := make([]*searchDomainResolver, 0, len(c.api.st.domains))
	for _, d := range c.api.st.domains {
		out = append(out, &searchDomainResolver{api: c.api, d: d})
	}
	return out
}

type userOrder struct {
	UserField string
	Order     string
}

// Users resolves Query.users: the users whose username, full name or email
// contains the search text (ignoring case), by username unless orderBy says
// otherwise.
func (queryRoot) Users(ctx context.Context, args struct {
	OrderBy *userOrder
	Search  *string
}) []*userResolver {
	c := callFrom(ctx)
	search := ""
	if args.Search != nil {
		search = strings.ToLower(*args.Search)
	}
	c.api.mu.RLock()
	var out []*userResolver
	for _, u := range c.api.st.users {
		if search == "" || strings.Contains(strings.ToLower(u.username), search) ||
			strings.Contains(strings.ToLower(u.fullName), search) || strings.Contains(strings.ToLower(u.email), search) {
			out = append(out, &userResolver{api: c.api, u: u})
		}
	}
	c.api.mu.RUnlock()
	key := func(r *userResolver) string { return strings.ToLower(r.u.username) }
	desc := false
	if o := args.OrderBy; o != nil {
		desc = o.Order == "DESC"
		switch o.UserField {
		case "FULLNAME":
			key = func(r *userResolver) string { return strings.ToLower(r.u.fullName) }
		case "DISPLAYNAME":
			key = func(r *userResolver) string { return strings.ToLower(r.DisplayName()) }
		}
	}
	slices.SortStableFunc(out, func(x, y *userResolver) int {
		n := cmp.Or(strings.Compare(key(x), key(y)), strings.Compare(x.u.id, y.u.id))
		if desc {
			return -n
		}
		return n
	})
	if out == nil {
		out = []*userResolver{}
	}
	return out
}

// Organization resolves Query.organization.
func (queryRoot) Organization(ctx context.Context) *organizationResolver {
	return callFrom(ctx).api.organizationResolver()
}
