package cryptlex

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// Credentials lists the personal access tokens of the fixtures, in fixture
// order, each with its JWT (the key signs deterministically, so these are
// the tokens the fixtures package holds).
func (a *API) Credentials() []api.Credential {
	now := a.env.Now()
	var out []api.Credential
	jwts := a.fixtureJWTs()
	for i, ft := range a.data.tokens {
		u := a.data.users[ft.UserID]
		t := &pat{fixturedToken: ft}
		jwt := jwts[i]
		if jwt == "" {
			continue // checked when the fixtures were loaded
		}
		c := api.Credential{User: u.Email, Kind: "personal access token", Name: ft.Name, Authorization: "Bearer " + jwt}
		switch {
		case ft.Revoked:
			c.Note = "revoked"
		case !t.live(now):
			c.Note = "expired"
		case !hasScope(ft.Scopes, ScopeWritePATs):
			c.Note = "without " + ScopeWritePATs
		}
		out = append(out, c)
	}
	return out
}

// signFixtureTokens signs the tokens of the fixtures' PATs, in fixture
// order ("" for one that cannot be signed). Signing is the costly part of
// Credentials, and its result never changes.
func (a *API) signFixtureTokens() []string {
	out := make([]string, len(a.data.tokens))
	for i, ft := range a.data.tokens {
		jwt, err := a.signer.Sign(a.claimsFor(&pat{fixturedToken: ft}, a.data.users[ft.UserID]))
		if err == nil {
			out[i] = jwt
		}
	}
	return out
}

// Mint creates a personal access token for user (a user's id or email) with
// scopes and, unless expiresAt is zero, that expiry, as a create request of
// that user would, and returns its JWT. The token is named "minted <id>",
// where id starts its id; it is listed with the user's tokens and dropped by
// Reset.
func (a *API) Mint(user string, scopes []string, expiresAt time.Time) (string, error) {
	now := a.env.Now().Truncate(timePrecision)
	u := a.findUser(user)
	if u == nil {
		return "", fmt.Errorf("no Cryptlex user %q in the fixtures (users: %s)", user, strings.Join(a.userEmails(), ", "))
	}
	if len(scopes) == 0 {
		return "", errors.New("a Cryptlex token needs at least one scope")
	}
	var kept []string
	for _, s := range scopes {
		if !knownScopes().known(s) {
			return "", fmt.Errorf("unknown Cryptlex scope %q", s)
		}
		if !slices.Contains(kept, s) {
			kept = append(kept, s)
		}
	}
	t := &pat{fixturedToken: fixturedToken{CreatedAt: now, UpdatedAt: now, Scopes: kept, UserID: u.ID}}
	if !expiresAt.IsZero() {
		e := expiresAt.UTC().Truncate(timePrecision)
		if !e.After(now) {
			return "", fmt.Errorf("expiry %s is not after the fake clock's now (%s)", e.Format(time.RFC3339), now.Format(time.RFC3339))
		}
		t.ExpiresAt = &e
	}
	a.lockState()
	defer a.mu.Unlock()
	t.ID = a.env.Random.UUID()
	t.Name = "minted " + t.ID[:8]
	tok, err := a.sign(a.claimsFor(t, u))
	if err != nil {
		return "", err
	}
	a.state.add(t)
	return tok, nil
}

func (a *API) findUser(s string) *user {
	if u := a.data.users[s]; u != nil {
		return u
	}
	for _, u := range a.data.users {
		if strings.EqualFold(u.Email, s) {
			return u
		}
	}
	return nil
}

func (a *API) userEmails() []string {
	var emails []string
	for _, u := range a.data.users {
		emails = append(emails, u.Email)
	}
	slices.Sort(emails)
	return emails
}
