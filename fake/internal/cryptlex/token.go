package cryptlex

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Values of the fixed claims of Cryptlex's personal access tokens.
const (
	// Audience is the aud claim of every token.
	Audience = "https://api.cryptlex.com"
	// TokenUsage is the token_usage claim of a personal access token.
	TokenUsage = "personal_access_token"
)

// Claims are the claims of a Cryptlex personal access token, in the order
// they are written.
type Claims struct {
	Scope      []string         `json:"scope"`
	Subject    string           `json:"sub"`
	Email      string           `json:"email"`
	ID         string           `json:"jti"`
	IssuedAt   *jwt.NumericDate `json:"iat"`
	ExpiresAt  *jwt.NumericDate `json:"exp,omitempty"`
	TokenUsage string           `json:"token_usage"`
	TenantID   string           `json:"tenantid"`
	Audience   string           `json:"aud"`
}

// GetExpirationTime implements jwt.Claims.
func (c *Claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt, nil }

// GetIssuedAt implements jwt.Claims.
func (c *Claims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt, nil }

// GetNotBefore implements jwt.Claims.
func (c *Claims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims.
func (c *Claims) GetIssuer() (string, error) { return "", nil }

// GetSubject implements jwt.Claims.
func (c *Claims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *Claims) GetAudience() (jwt.ClaimStrings, error) { return jwt.ClaimStrings{c.Audience}, nil }

// Signer issues and checks the RS256 JWTs of personal access tokens with one
// RSA key. Its methods are safe for concurrent use.
type Signer struct {
	key    *rsa.PrivateKey
	parser *jwt.Parser

	mu       sync.Mutex
	verified map[string]*Claims // signature-checked tokens, by their text
}

// verifiedCacheSize bounds the signature cache; it is emptied when full.
const verifiedCacheSize = 1024

// NewSigner returns a Signer for the PEM-encoded RSA private key (PKCS #1 or
// PKCS #8).
func NewSigner(pemKey []byte) (*Signer, error) {
	key, err := parseKey(pemKey)
	if err != nil {
		return nil, fmt.Errorf("parse RSA private key: %w", err)
	}
	return newSigner(key), nil
}

// newSigner returns a Signer for key.
func newSigner(key *rsa.PrivateKey) *Signer {
	return &Signer{
		key:    key,
		parser: tokenParser(),
	}
}

// tokenParser is the parser of every Signer: RS256 only, times checked
// against the fake's clock by the caller. It is built once per process and
// never changed.
var tokenParser = sync.OnceValue(func() *jwt.Parser {
	return jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}), jwt.WithoutClaimsValidation())
})

// defaultKey is the key of the default fixtures, parsed once per process:
// parsing and checking a key is the larger part of a server's start-up. It
// is never modified and is safe for concurrent use, so every server with
// the default key shares it (each keeps its own Signer and cache). Any
// other key is parsed by the server that uses it.
var defaultKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	raw, err := fs.ReadFile(fixtures.FS(), KeyFile)
	if err != nil {
		return nil, err
	}
	return jwt.ParseRSAPrivateKeyFromPEM(raw)
})

func parseKey(pemKey []byte) (*rsa.PrivateKey, error) {
	if raw, err := fs.ReadFile(fixtures.FS(), KeyFile); err == nil && bytes.Equal(raw, pemKey) {
		return defaultKey()
	}
	return jwt.ParseRSAPrivateKeyFromPEM(pemKey)
}

// Sign returns the signed token for c.
func (s *Signer) Sign(c *Claims) (string, error) {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, c).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// Verify checks the signature and algorithm of token and returns its claims.
// It checks no times: the caller compares them with the fake's clock. A token
// already verified is answered from a bounded cache.
func (s *Signer) Verify(token string) (*Claims, error) {
	s.mu.Lock()
	c, ok := s.verified[token]
	s.mu.Unlock()
	if ok {
		return c, nil
	}
	c = new(Claims)
	if _, err := s.parser.ParseWithClaims(token, c, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil }); err != nil {
		return nil, fmt.Errorf("verify token: %w", err)
	}
	s.mu.Lock()
	if s.verified == nil {
		s.verified = make(map[string]*Claims)
	}
	if len(s.verified) >= verifiedCacheSize {
		clear(s.verified)
	}
	s.verified[token] = c
	s.mu.Unlock()
	return c, nil
}

// errTokenRejected is a verified token whose claims are not those of a live
// Cryptlex personal access token.
var errTokenRejected = errors.New("not a live personal access token")

// checkClaims checks the claims of a verified token at now.
func checkClaims(c *Claims, now time.Time) error {
	if c.Audience != Audience || c.TokenUsage != TokenUsage || c.ID == "" || c.Subject == "" {
		return errTokenRejected
	}
	if c.ExpiresAt != nil && !now.Before(c.ExpiresAt.Time) {
		return errTokenRejected
	}
	return nil
}
