package fake

import (
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
)

// Credential is a credential of a server's fixtures, as a client sends it.
type Credential struct {
	// API is APILogScale, APIUnleash or APICryptlex.
	API string `json:"api"`
	// Title names the API for people, such as "LogScale".
	Title string `json:"title"`
	// User names the owner (a username or an email); "" for a token that
	// belongs to no user.
	User string `json:"user"`
	// Kind is what the credential is, such as "personal token".
	Kind string `json:"kind"`
	// Name is the token's name or description.
	Name string `json:"name"`
	// Note says why it may not authenticate (expired, revoked, an IP
	// filter, a missing scope), or "".
	Note string `json:"note"`
	// Authorization is the value of the Authorization header to send.
	Authorization string `json:"authorization"`
}

// Credentials lists the credentials of the fixtures the server was started
// with, by API (LogScale, Unleash, Cryptlex): every token whose secret the
// fixtures hold, Cryptlex's as signed JWTs. For the default fixtures the
// constants of package fixtures are among them. Tokens created later are
// not listed.
func (s *Server) Credentials() []Credential {
	var out []Credential
	for _, v := range s.vendors {
		l, ok := v.(api.CredentialLister)
		if !ok {
			continue
		}
		for _, c := range l.Credentials() {
			out = append(out, Credential{API: v.Name(), Title: v.Title(), User: c.User, Kind: c.Kind, Name: c.Name, Note: c.Note,
				Authorization: c.Authorization})
		}
	}
	return out
}

// CryptlexToken creates a Cryptlex personal access token for a user of the
// fixtures (user is the user's id or email) with the given scopes (see
// CryptlexScopes) and expiry (the zero time: none), and returns its JWT,
// to send as "Authorization: Bearer <jwt>". It works as a create request
// of that user would: the token is listed with the user's tokens (named
// "minted <first 8 characters of its id>"), draws its id from the server's
// generator, and is dropped by Reset. It fails for an unknown user or
// scope, no scopes, or an expiry not after the server's clock.
func (s *Server) CryptlexToken(user string, scopes []string, expiresAt time.Time) (string, error) {
	return s.cryptlex.Mint(user, scopes, expiresAt)
}

// CryptlexScopes returns the scope names a Cryptlex personal access token
// may carry, as Cryptlex documents them, in alphabetical order.
func CryptlexScopes() []string { return cryptlex.Scopes() }
