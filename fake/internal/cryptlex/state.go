package cryptlex

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/webhook"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Fixture file names, in the fixture directory.
const (
	FixtureFile = "cryptlex.json"
	KeyFile     = "cryptlex-signing-key.pem"
)

// dataSet is the immutable content of the fixtures: the directory served
// and the start of every Reset.
type dataSet struct {
	tenantID      string
	resellers     map[string]*reseller
	organizations map[string]*organization
	users         map[string]*user
	tokens        []fixturedToken
	webhooks      []webhookFields
}

// pat is a personal access token in the state.
type pat struct {
	fixturedToken
	seq uint64 // creation order, to order tokens created at the same instant
}

// state is the mutable data: the tokens and the webhooks. Users,
// organizations and resellers are fixed by the fixtures.
type state struct {
	tokens   map[string]*pat
	byName   map[nameKey]map[string]*pat           // tokens by user and name
	orders   map[string]map[listOrder]*orderedPATs // by user; see ordered
	nextSeq  uint64
	webhooks map[string]*hook
}

// nameKey is a user's token name.
type nameKey struct{ userID, name string }

func (d *dataSet) newState() *state {
	s := &state{tokens: make(map[string]*pat, len(d.tokens)), byName: make(map[nameKey]map[string]*pat),
		orders: make(map[string]map[listOrder]*orderedPATs)}
	for _, t := range d.tokens {
		t.Scopes = slices.Clone(t.Scopes)
		s.add(&pat{fixturedToken: t})
	}
	s.webhooks = make(map[string]*hook, len(d.webhooks))
	for _, h := range d.webhooks {
		h.Events = slices.Clone(h.Events)
		s.addWebhook(&hook{webhookFields: h})
	}
	return s
}

// addWebhook stores h as the newest webhook.
func (s *state) addWebhook(h *hook) {
	h.seq = s.nextSeq
	s.nextSeq++
	s.webhooks[h.ID] = h
}

// add stores t as the newest token.
func (s *state) add(t *pat) {
	t.seq = s.nextSeq
	s.nextSeq++
	s.tokens[t.ID] = t
	k := nameKey{t.UserID, t.Name}
	if s.byName[k] == nil {
		s.byName[k] = make(map[string]*pat)
	}
	s.byName[k][t.ID] = t
	for _, o := range s.orders[t.UserID] {
		o.insert(t)
	}
}

// remove deletes t.
func (s *state) remove(t *pat) {
	delete(s.tokens, t.ID)
	for _, o := range s.orders[t.UserID] {
		o.remove(t)
	}
	k := nameKey{t.UserID, t.Name}
	delete(s.byName[k], t.ID)
	if len(s.byName[k]) == 0 {
		delete(s.byName, k)
	}
}

// nameTaken reports whether the user has a live token named name other than
// the token except.
func (s *state) nameTaken(userID, name, except string, now time.Time) bool {
	for id, t := range s.byName[nameKey{userID, name}] {
		if id != except && t.live(now) {
			return true
		}
	}
	return false
}

// isUUID reports whether s is a UUID in its canonical text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'):
			return false
		}
	}
	return true
}

// loadDataSet reads cryptlex.json from fsys. A missing file gives an empty
// data set. Webhook URLs must be allowed by hosts.
func loadDataSet(fsys fs.FS, hosts *webhook.Allowlist) (*dataSet, error) {
	d := &dataSet{
		resellers:     map[string]*reseller{},
		organizations: map[string]*organization{},
		users:         map[string]*user{},
	}
	var f fixtureFile
	found, err := api.ReadFixture(fsys, FixtureFile, &f)
	if err != nil || !found {
		return d, err
	}
	if err := d.build(&f, hosts); err != nil {
		return nil, api.FixtureError(fsys, FixtureFile, err)
	}
	return d, nil
}

// build checks f for consistency and fills d from it.
func (d *dataSet) build(f *fixtureFile, hosts *webhook.Allowlist) error {
	if !isUUID(f.TenantID) {
		return fmt.Errorf("tenantId %q is not a UUID", f.TenantID)
	}
	d.tenantID = f.TenantID
	for i := range f.Resellers {
		r := &f.Resellers[i]
		if err := checkID("resellers", i, r.ID, d.resellers); err != nil {
			return err
		}
		d.resellers[r.ID] = r
	}
	for i := range f.Organizations {
		o := &f.Organizations[i]
		if err := checkID("organizations", i, o.ID, d.organizations); err != nil {
			return err
		}
		if o.ResellerID != nil && d.resellers[*o.ResellerID] == nil {
			return fmt.Errorf("organizations[%d]: resellerId %q names no reseller", i, *o.ResellerID)
		}
		d.organizations[o.ID] = o
	}
	for i := range f.Users {
		u := &f.Users[i]
		if err := checkID("users", i, u.ID, d.users); err != nil {
			return err
		}
		if u.Email == "" {
			return fmt.Errorf("users[%d]: email is empty", i)
		}
		if u.OrganizationID != nil && d.organizations[*u.OrganizationID] == nil {
			return fmt.Errorf("users[%d]: organizationId %q names no organization", i, *u.OrganizationID)
		}
		if u.ResellerID != nil && d.resellers[*u.ResellerID] == nil {
			return fmt.Errorf("users[%d]: resellerId %q names no reseller", i, *u.ResellerID)
		}
		d.users[u.ID] = u
	}
	known := knownScopes()
	seen := map[string]*fixturedToken{}
	for i := range f.PersonalAccessTokens {
		t := &f.PersonalAccessTokens[i]
		if err := checkID("personalAccessTokens", i, t.ID, seen); err != nil {
			return err
		}
		if d.users[t.UserID] == nil {
			return fmt.Errorf("personalAccessTokens[%d]: userId %q names no user", i, t.UserID)
		}
		if n := utf8.RuneCountInString(t.Name); n < 1 || n > maxNameLength {
			return fmt.Errorf("personalAccessTokens[%d]: name must be 1 to %d characters", i, maxNameLength)
		}
		if len(t.Scopes) == 0 {
			return fmt.Errorf("personalAccessTokens[%d]: scopes is empty", i)
		}
		for _, sc := range t.Scopes {
			if !known.known(sc) {
				return fmt.Errorf("personalAccessTokens[%d]: unknown scope %q", i, sc)
			}
		}
		seen[t.ID] = t
	}
	d.tokens = f.PersonalAccessTokens
	return d.buildWebhooks(f.Webhooks, hosts)
}

// buildWebhooks checks the webhooks of the fixtures and keeps them.
func (d *dataSet) buildWebhooks(hooks []webhookFields, hosts *webhook.Allowlist) error {
	if len(hooks) > MaxWebhooks {
		return fmt.Errorf("webhooks: %d webhooks, at most %d allowed", len(hooks), MaxWebhooks)
	}
	seen := map[string]*webhookFields{}
	for i := range hooks {
		h := &hooks[i]
		if err := checkID("webhooks", i, h.ID, seen); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(h.Name); n < 1 || n > maxNameLength {
			return fmt.Errorf("webhooks[%d]: name must be 1 to %d characters", i, maxNameLength)
		}
		if err := hosts.CheckURL(h.URL); err != nil {
			return fmt.Errorf("webhooks[%d]: %w", i, err)
		}
		if n := utf8.RuneCountInString(h.Token); n < 1 || n > maxWebhookTokenLength {
			return fmt.Errorf("webhooks[%d]: token must be 1 to %d characters", i, maxWebhookTokenLength)
		}
		if len(h.Events) == 0 {
			return fmt.Errorf("webhooks[%d]: events is empty", i)
		}
		for _, e := range h.Events {
			if !slices.Contains(Events(), e) {
				return fmt.Errorf("webhooks[%d]: unknown event %q (known: %v)", i, e, Events())
			}
		}
		seen[h.ID] = h
	}
	d.webhooks = hooks
	return nil
}

func checkID[T any](list string, i int, id string, seen map[string]*T) error {
	if !isUUID(id) {
		return fmt.Errorf("%s[%d]: id %q is not a UUID", list, i, id)
	}
	if seen[id] != nil {
		return fmt.Errorf("%s[%d]: duplicate id %q", list, i, id)
	}
	return nil
}

// loadKey reads the signing key from fsys, or from the default fixtures if
// fsys has none.
func loadKey(fsys fs.FS) (*Signer, error) {
	if api.IsDefaultFixtures(fsys) {
		key, err := defaultKey()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", KeyFile, err)
		}
		return newSigner(key), nil
	}
	raw, err := fs.ReadFile(fsys, KeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		raw, err = fs.ReadFile(fixtures.FS(), KeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", KeyFile, err)
	}
	s, err := NewSigner(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", KeyFile, err)
	}
	return s, nil
}

// userView renders u with its organization and reseller nested.
func (d *dataSet) userView(u *user) *userJSON {
	v := &userJSON{user: *u}
	v.Roles, v.Tags = nonNil(u.Roles), nonNil(u.Tags)
	v.Metadata = make([]metadata, len(u.Metadata))
	for i, m := range u.Metadata {
		m.ViewPermissions = nonNil(m.ViewPermissions)
		v.Metadata[i] = m
	}
	if u.OrganizationID != nil {
		o := d.organizations[*u.OrganizationID]
		v.Organization = &organizationJSON{organization: *o}
		if o.ResellerID != nil {
			v.Organization.Reseller = d.resellers[*o.ResellerID]
		}
	}
	if u.ResellerID != nil {
		v.Reseller = d.resellers[*u.ResellerID]
	}
	return v
}

// tokenView renders t as the API answers with it.
func (d *dataSet) tokenView(t *pat) tokenJSON {
	return tokenJSON{
		ID: t.ID, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Name: t.Name,
		ExpiresAt: t.ExpiresAt, Revoked: t.Revoked, Scopes: nonNil(t.Scopes),
		UserID: t.UserID, User: d.userView(d.users[t.UserID]),
		LastUsedAt: t.LastUsedAt, LastRotatedAt: t.LastRotatedAt,
	}
}

// live reports whether t authenticates at now: not revoked, not expired.
func (t *pat) live(now time.Time) bool {
	return !t.Revoked && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
