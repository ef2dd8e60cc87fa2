package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// credentialsBody answers GET /_fake/credentials.
type credentialsBody struct {
	Credentials []Credential `json:"credentials"`
}

func (s *Server) adminCredentials(w http.ResponseWriter, _ *http.Request) {
	writeAdminJSON(w, http.StatusOK, credentialsBody{Credentials: s.Credentials()})
}

// cryptlexTokenRequest is the body of POST /_fake/cryptlex/tokens.
type cryptlexTokenRequest struct {
	// User is a fixture user's id or email.
	User string `json:"user"`
	// Scopes are the token's scopes.
	Scopes []string `json:"scopes"`
	// ExpiresAt is the token's expiry; absent or null for none.
	ExpiresAt *time.Time `json:"expiresAt"`
}

// cryptlexTokenBody answers POST /_fake/cryptlex/tokens, as Cryptlex answers
// a create.
type cryptlexTokenBody struct {
	AccessToken string `json:"accessToken"`
}

func (s *Server) adminCryptlexToken(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	var req cryptlexTokenRequest
	if err := dec.Decode(&req); err != nil {
		writeAdminError(w, http.StatusBadRequest, fmt.Sprintf(`want {"user":"jane.doe@example.com","scopes":["license:read"],"expiresAt":"2030-01-01T00:00:00Z"}: %v`, err))
		return
	}
	var expires time.Time
	if req.ExpiresAt != nil {
		expires = *req.ExpiresAt
	}
	tok, err := s.CryptlexToken(req.User, req.Scopes, expires)
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAdminJSON(w, http.StatusCreated, cryptlexTokenBody{AccessToken: tok})
}
