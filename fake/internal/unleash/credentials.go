package unleash

import (
	"cmp"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// Credentials lists the PATs of the fixtures, then the admin API tokens.
func (a *API) Credentials() []api.Credential {
	now := a.env.Now()
	names := make(map[int]string, len(a.initial.Users))
	for _, u := range a.initial.Users {
		names[u.ID] = cmp.Or(u.Username, u.Email)
	}
	var out []api.Credential
	for _, p := range a.initial.PATs {
		c := api.Credential{User: names[p.UserID], Kind: "personal access token", Name: p.Description, Authorization: p.Secret}
		if t, err := parseFixtureTime("expiresAt", p.ExpiresAt); err == nil && !now.Before(t) {
			c.Note = "expired " + formatTime(t)
		}
		out = append(out, c)
	}
	for _, t := range a.initial.APITokens {
		out = append(out, api.Credential{Kind: t.Type + " API token", Name: t.TokenName,
			Note: "belongs to no user: the PAT routes refuse it", Authorization: t.Secret})
	}
	return out
}
