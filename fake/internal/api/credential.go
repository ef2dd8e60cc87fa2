package api

// Credential is one credential of the fixtures a vendor API was built from,
// as a client sends it.
type Credential struct {
	// User names the owner (a username or an email), "" for a token that
	// belongs to no user.
	User string
	// Kind is what the credential is, in the vendor's words.
	Kind string
	// Name is the token's name or description.
	Name string
	// Note says why the credential may not authenticate (expired, revoked,
	// an IP filter), or "".
	Note string
	// Authorization is the value of the Authorization header to send.
	Authorization string
}

// CredentialLister is implemented by a vendor API that can list the
// credentials of its fixtures.
type CredentialLister interface {
	// Credentials lists the credentials of the fixtures, as they were
	// when the API was built (later creations and deletions are not
	// reflected).
	Credentials() []Credential
}
