package logscale

import (
	"cmp"
	"slices"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// kindNames are the words the credential list uses for the token kinds.
var kindNames = map[tokenKind]string{
	kindPersonal:     "personal token",
	kindView:         "view token",
	kindSystem:       "system token",
	kindOrganization: "organization token",
}

// kindOrder lists personal tokens first, then the others as LogScale's
// documentation introduces them.
var kindOrder = map[tokenKind]int{kindPersonal: 0, kindView: 1, kindSystem: 2, kindOrganization: 3}

// Credentials lists the tokens of the fixtures: personal tokens first, each
// kind by name.
func (a *API) Credentials() []api.Credential {
	now := a.env.Now()
	tokens := make([]*token, 0, len(a.initial.tokens))
	for _, t := range a.initial.tokens {
		tokens = append(tokens, t)
	}
	slices.SortFunc(tokens, func(x, y *token) int {
		return cmp.Or(cmp.Compare(kindOrder[x.kind], kindOrder[y.kind]), cmp.Compare(x.lowerName, y.lowerName),
			cmp.Compare(x.id, y.id))
	})
	var out []api.Credential
	for _, t := range tokens {
		c := api.Credential{Kind: kindNames[t.kind], Name: t.name, Authorization: "Bearer " + t.String()}
		if u := a.initial.usersByID[t.userID]; u != nil {
			c.User = u.username
		}
		switch {
		case t.expired(now):
			c.Note = "expired " + time.UnixMilli(*t.expireAt).UTC().Format(time.RFC3339)
		case t.expireAt != nil:
			c.Note = "expires " + time.UnixMilli(*t.expireAt).UTC().Format(time.RFC3339)
		}
		if f := a.initial.ipFiltersByID[t.ipFilterID]; f != nil {
			c.Note = join(c.Note, "IP filter "+f.name)
		}
		out = append(out, c)
	}
	return out
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
