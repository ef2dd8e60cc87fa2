package logscale

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/random"
)

// Lengths of the parts of a generated token string, "<id>~<secret>", and of
// other generated ids.
const (
	tokenIDLength     = 32
	tokenSecretLength = 44
	entityIDLength    = 32
)

// kindLabels name the kinds of tokens in messages.
var kindLabels = map[tokenKind]string{
	kindPersonal:     "Personal user",
	kindView:         "View permission",
	kindSystem:       "System permission",
	kindOrganization: "Organization permission",
}

// Messages of resolver errors that LogScale's documentation does not spell out.
var (
	errNameEmpty     = errors.New("The name must not be empty.")
	errExpireInPast  = errors.New("The expiration time must be in the future.")
	errRotateExpired = errors.New("An expired token cannot be rotated.")
)

// errIPFilterSyntax formats the refusal of an IP filter that does not parse.
const errIPFilterSyntax = "The IP filter is invalid: %v"

func errDisabled(k tokenKind) error {
	return fmt.Errorf("%s tokens are disabled by the organization's token security policies.", kindLabels[k])
}

func errExpiryPolicy(k tokenKind, after int64) error {
	return fmt.Errorf("%s tokens must expire within %d milliseconds by the organization's token security policies.", kindLabels[k], after)
}

func errIPFilterPolicy(k tokenKind) error {
	return fmt.Errorf("%s tokens must use the IP filter set by the organization's token security policies.", kindLabels[k])
}

func errUpdatesRefused(k tokenKind) error {
	return fmt.Errorf("Permission updates of %s tokens are not allowed by the organization's token security policies.", strings.ToLower(kindLabels[k]))
}

// changeSiblings are the view permissions X whose ChangeX LogScale expands
// into CreateX, UpdateX and DeleteX.
var changeSiblings = map[string]bool{
	"Triggers": true, "Actions": true, "Dashboards": true, "Files": true,
	"SavedQueries": true, "ScheduledReports": true,
}

// normalizeViewPermissions does to view permissions what LogScale does when
// it stores them: adds OrganizationOwnedQueries, replaces each ChangeX that
// has them by CreateX, UpdateX and DeleteX, and sorts the result.
func normalizeViewPermissions(perms []string) []string {
	out := make([]string, 0, len(perms)+4)
	out = append(out, "OrganizationOwnedQueries")
	for _, p := range perms {
		if s, ok := strings.CutPrefix(p, "Change"); ok && changeSiblings[s] {
			out = append(out, "Create"+s, "Update"+s, "Delete"+s)
		} else {
			out = append(out, p)
		}
	}
	return sortedCopy(out)
}

// tokenSpec is what a create mutation asks for.
type tokenSpec struct {
	kind        tokenKind
	name        string
	expireAt    *Long
	ipFilterID  *string
	viewIDs     []string
	permissions []string
}

// newTokenID draws an id that no token has.
func (a *API) newTokenID() string {
	for {
		id := a.env.Random.String(random.Alnum, tokenIDLength)
		if _, taken := a.st.tokens[id]; !taken {
			return id
		}
	}
}

// createLocked checks spec against the state and the policies and stores the
// new token. owner is the user of a personal token. The caller holds a.mu.
func (a *API) createLocked(now time.Time, owner *user, spec tokenSpec) (*token, error) {
	st := a.st
	if spec.kind == kindPersonal {
		if owner == nil {
			return nil, errNoUser
		}
		spec.name = personalTokenName
	}
	name := strings.TrimSpace(spec.name)
	if name == "" {
		return nil, errNameEmpty
	}
	enabled, after, enforcedFilter := st.org.policies.forKind(spec.kind)
	if !enabled {
		return nil, errDisabled(spec.kind)
	}
	var expireAt *int64
	if spec.expireAt != nil {
		v := int64(*spec.expireAt)
		if v <= now.UnixMilli() {
			return nil, errExpireInPast
		}
		expireAt = &v
	}
	if after != nil && (expireAt == nil || *expireAt > now.UnixMilli()+*after) {
		return nil, errExpiryPolicy(spec.kind, *after)
	}
	filterID := ""
	if spec.ipFilterID != nil && *spec.ipFilterID != "" {
		if st.ipFiltersByID[*spec.ipFilterID] == nil {
			return nil, errNotFound
		}
		filterID = *spec.ipFilterID
	}
	if enforcedFilter != "" {
		if filterID == "" {
			filterID = enforcedFilter
		} else if filterID != enforcedFilter {
			return nil, errIPFilterPolicy(spec.kind)
		}
	}
	if a.tokenCapReached(spec.kind, owner) {
		return nil, errTooManyTokens(a.env.Tokens)
	}
	t := &token{kind: spec.kind, name: name, lowerName: strings.ToLower(name), ipFilterID: filterID,
		createdAt: now.UnixMilli(), expireAt: expireAt}
	switch spec.kind {
	case kindPersonal:
		t.userID = owner.id
	case kindView:
		for _, id := range spec.viewIDs {
			if st.domainsByID[id] == nil {
				return nil, errNotFound
			}
		}
		t.viewIDs = slices.Compact(slices.Clone(spec.viewIDs))
		t.permissions = normalizeViewPermissions(spec.permissions)
	default:
		t.permissions = sortedCopy(spec.permissions)
	}
	t.id = a.newTokenID()
	t.secret = a.env.Random.String(random.Alnum, tokenSecretLength)
	if spec.kind == kindPersonal {
		st.removeToken(st.personal[owner.id])
	}
	st.putToken(t)
	return t, nil
}

// create runs createLocked under the lock for the request's caller.
func (c *call) create(spec tokenSpec) (*token, error) {
	c.api.lockToChange()
	defer c.api.mu.Unlock()
	return c.api.createLocked(c.now, c.user, spec)
}

func (c *call) createOutput(spec tokenSpec) (*createOutput, error) {
	t, err := c.create(spec)
	if err != nil {
		return nil, err
	}
	tr := newTokenResolver(c.api, t)
	return &createOutput{str: t.String(), t: &tr}, nil
}

func (c *call) createString(spec tokenSpec) (string, error) {
	t, err := c.create(spec)
	if err != nil {
		return "", err
	}
	return t.String(), nil
}

type personalInput struct {
	ExpireAt   *Long
	IPFilterID *string
}

// CreatePersonalUserToken resolves Mutation.createPersonalUserToken. The
// caller's previous personal token, if any, stops working.
func (mutationRoot) CreatePersonalUserToken(ctx context.Context, args struct{ Input personalInput }) (string, error) {
	return callFrom(ctx).createString(tokenSpec{kind: kindPersonal, expireAt: args.Input.ExpireAt, ipFilterID: args.Input.IPFilterID})
}

// CreatePersonalUserTokenV2 resolves Mutation.createPersonalUserTokenV2.
func (mutationRoot) CreatePersonalUserTokenV2(ctx context.Context, args struct{ Input personalInput }) (*createOutput, error) {
	return callFrom(ctx).createOutput(tokenSpec{kind: kindPersonal, expireAt: args.Input.ExpireAt, ipFilterID: args.Input.IPFilterID})
}

// CreateViewPermissionsToken resolves Mutation.createViewPermissionsToken.
func (mutationRoot) CreateViewPermissionsToken(ctx context.Context, args struct {
	Input struct {
		Name        string
		ExpireAt    *Long
		IPFilterID  *string
		ViewIDs     []string
		Permissions []string
	}
}) (string, error) {
	in := args.Input
	return callFrom(ctx).createString(tokenSpec{kind: kindView, name: in.Name, expireAt: in.ExpireAt,
		ipFilterID: in.IPFilterID, viewIDs: in.ViewIDs, permissions: in.Permissions})
}

type assetAssignment struct {
	AssetResourceIdentifier string
	Permissions             []string
}

// CreateViewPermissionsTokenV2 resolves Mutation.createViewPermissionsTokenV2.
// Asset permission assignments are accepted and not stored.
func (mutationRoot) CreateViewPermissionsTokenV2(ctx context.Context, args struct {
	Input struct {
		Name                       string
		ExpireAt                   *Long
		IPFilterID                 *string
		ViewIDs                    []string
		ViewPermissions            []string
		AssetPermissionAssignments *[]assetAssignment
	}
}) (*createOutput, error) {
	in := args.Input
	return callFrom(ctx).createOutput(tokenSpec{kind: kindView, name: in.Name, expireAt: in.ExpireAt,
		ipFilterID: in.IPFilterID, viewIDs: in.ViewIDs, permissions: in.ViewPermissions})
}

type permissionsInput struct {
	Name        string
	ExpireAt    *Long
	IPFilterID  *string
	Permissions []string
}

// CreateSystemPermissionsToken resolves Mutation.createSystemPermissionsToken.
func (mutationRoot) CreateSystemPermissionsToken(ctx context.Context, args struct{ Input permissionsInput }) (string, error) {
	in := args.Input
	return callFrom(ctx).createString(tokenSpec{kind: kindSystem, name: in.Name, expireAt: in.ExpireAt,
		ipFilterID: in.IPFilterID, permissions: in.Permissions})
}

// CreateSystemPermissionsTokenV2 resolves Mutation.createSystemPermissionsTokenV2.
func (mutationRoot) CreateSystemPermissionsTokenV2(ctx context.Context, args struct {
	Input struct {
		Name              string
		ExpireAt          *Long
		IPFilterID        *string
		SystemPermissions []string
	}
}) (*createOutput, error) {
	in := args.Input
	return callFrom(ctx).createOutput(tokenSpec{kind: kindSystem, name: in.Name, expireAt: in.ExpireAt,
		ipFilterID: in.IPFilterID, permissions: in.SystemPermissions})
}

// CreateOrganizationPermissionsToken resolves Mutation.createOrganizationPermissionsToken.
func (mutationRoot) CreateOrganizationPermissionsToken(ctx context.Context, args struct{ Input permissionsInput }) (string, error) {
	in := args.Input
	return callFrom(ctx).createString(tokenSpec{kind: kindOrganization, name: in.Name, expireAt: in.ExpireAt,
		ipFilterID: in.IPFilterID, permissions: in.Permissions})
}

// CreateOrganizationPermissionsTokenV2 resolves Mutation.createOrganizationPermissionsTokenV2.
func (mutationRoot) CreateOrganizationPermissionsTokenV2(ctx context.Context, args struct {
	Input struct {
		Name                    string
		ExpireAt                *Long
		IPFilterID              *string
		OrganizationPermissions []string
	}
}) (*createOutput, error) {
	in := args.Input
	return callFrom(ctx).createOutput(tokenSpec{kind: kindOrganization, name: in.Name, expireAt: in.ExpireAt,
		ipFilterID: in.IPFilterID, permissions: in.OrganizationPermissions})
}

type idInput struct{ Input struct{ ID string } }

// DeleteToken resolves Mutation.deleteToken.
func (mutationRoot) DeleteToken(ctx context.Context, args idInput) (bool, error) {
	a := callFrom(ctx).api
	a.lockToChange()
	defer a.mu.Unlock()
	if a.st.tokens[args.Input.ID] == nil {
		return false, errNotFound
	}
	a.st.removeToken(args.Input.ID)
	return true, nil
}

// RotateToken resolves Mutation.rotateToken. Given a token id, the token is
// replaced by one with a new id and secret and the same name, expiry, IP
// filter, views and permissions. Given a user id, that user's personal token
// is rotated, or made if the user has none.
func (mutationRoot) RotateToken(ctx context.Context, args idInput) (string, error) {
	c := callFrom(ctx)
	a := c.api
	a.lockToChange()
	defer a.mu.Unlock()
	id := args.Input.ID
	t := a.st.tokens[id]
	if t == nil {
		u := a.st.usersByID[id]
		if u == nil {
			return "", errNotFound
		}
		t = a.st.tokens[a.st.personal[u.id]]
		if t == nil {
			nt, err := a.createLocked(c.now, u, tokenSpec{kind: kindPersonal})
			if err != nil {
				return "", err
			}
			return nt.String(), nil
		}
	}
	if t.expired(c.now) {
		return "", errRotateExpired
	}
	nt := *t
	nt.id = a.newTokenID()
	nt.secret = a.env.Random.String(random.Alnum, tokenSecretLength)
	nt.createdAt = c.now.UnixMilli()
	a.st.removeToken(t.id)
	a.st.putToken(&nt)
	return nt.String(), nil
}

type updatePermissionsInput struct {
	Input struct {
		ID          string
		Permissions []string
	}
}

// updatePermissions replaces the permissions of the token with id, which
// must be of kind k, if the policies allow it.
func (c *call) updatePermissions(k tokenKind, in updatePermissionsInput) (string, error) {
	a := c.api
	a.lockToChange()
	defer a.mu.Unlock()
	t := a.st.tokens[in.Input.ID]
	if t == nil || t.kind != k {
		return "", errNotFound
	}
	if !a.st.org.policies.allowsUpdates(k) {
		return "", errUpdatesRefused(k)
	}
	nt := *t
	if k == kindView {
		nt.permissions = normalizeViewPermissions(in.Input.Permissions)
	} else {
		nt.permissions = sortedCopy(in.Input.Permissions)
	}
	a.st.putToken(&nt)
	return nt.id, nil
}

// UpdateViewPermissionsTokenPermissions resolves the mutation of the same name.
func (mutationRoot) UpdateViewPermissionsTokenPermissions(ctx context.Context, args updatePermissionsInput) (string, error) {
	return callFrom(ctx).updatePermissions(kindView, args)
}

// UpdateSystemPermissionsTokenPermissions resolves the mutation of the same name.
func (mutationRoot) UpdateSystemPermissionsTokenPermissions(ctx context.Context, args updatePermissionsInput) (string, error) {
	return callFrom(ctx).updatePermissions(kindSystem, args)
}

// UpdateOrganizationPermissionsTokenPermissions resolves the mutation of the same name.
func (mutationRoot) UpdateOrganizationPermissionsTokenPermissions(ctx context.Context, args updatePermissionsInput) (string, error) {
	return callFrom(ctx).updatePermissions(kindOrganization, args)
}
