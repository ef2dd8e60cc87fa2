package cryptlex

import (
	"slices"
	"sync"
)

// ScopeWritePATs is the scope that creating, revoking and deleting personal
// access tokens require. Cryptlex has no read scope for them: any live token
// may list and read its own user's tokens.
const ScopeWritePATs = "personalAccessToken:write"

// Scopes returns the scope names a personal access token may carry, as
// Cryptlex documents them, in alphabetical order.
func Scopes() []string {
	return []string{
		"account:read",
		"account:write",
		"activation:read",
		"analytics:read",
		"eventLog:read",
		"invoice:read",
		"license:read",
		"license:write",
		"licensePolicy:read",
		"licensePolicy:write",
		"licenseTemplate:read",
		"licenseTemplate:write",
		"paymentMethod:read",
		"paymentMethod:write",
		ScopeWritePATs,
		"product:read",
		"product:write",
		"release:read",
		"release:write",
		"role:read",
		"role:write",
		"tag:read",
		"tag:write",
		"trialActivation:read",
		"trialActivation:write",
		"trialPolicy:read",
		"trialPolicy:write",
		"user:read",
		"user:write",
		"webhook:read",
		"webhook:write",
	}
}

// scopeSet is the set of known scopes, for lookups.
type scopeSet map[string]struct{}

// knownScopes is the set of Scopes, built once per process and never
// changed.
var knownScopes = sync.OnceValue(newScopeSet)

func newScopeSet() scopeSet {
	s := make(scopeSet)
	for _, name := range Scopes() {
		s[name] = struct{}{}
	}
	return s
}

func (s scopeSet) known(name string) bool {
	_, ok := s[name]
	return ok
}

// hasScope reports whether scopes grants want.
func hasScope(scopes []string, want string) bool { return slices.Contains(scopes, want) }
