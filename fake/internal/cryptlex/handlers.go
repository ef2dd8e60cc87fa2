package cryptlex

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// Limits of the API.
const (
	maxNameLength = 256 // characters of a token name
	defaultLimit  = 10  // tokens per page when limit is not given
	maxLimit      = 100 // largest limit
)

// call is one authenticated request, handed to a handler with the state
// locked.
type call struct {
	r      *http.Request
	body   []byte
	now    time.Time
	caller *pat // the token that authenticated the request
}

// handler serves c and returns the status and body of the answer (body nil:
// no body).
type handler func(a *API, c *call) (int, any, *apiError)

// timePrecision is the precision of the times the API stores and returns.
const timePrecision = time.Microsecond

// route wraps h with the rate limit, the body limit, authentication and the
// scope check, in that order, and renders its answer.
func route(h handler, scope string) http.Handler {
	return api.Handler(func(a *API, w http.ResponseWriter, r *http.Request) {
		if !a.rateLimit(w, r) {
			return
		}
		body, bodyErr := readBody(r)
		token, authErr := a.verify(r)
		if authErr != nil {
			a.writeError(w, r, authErr)
			return
		}
		now := a.env.Now().Truncate(timePrecision)

		a.lockState()
		status, out, err := a.serve(h, scope, token, &call{r: r, body: body, now: now}, bodyErr)
		a.mu.Unlock()

		if err != nil {
			a.writeError(w, r, err)
			return
		}
		if out == nil {
			w.WriteHeader(status)
			return
		}
		api.WriteJSON(w, status, contentTypeJSON, out)
	})
}

// serve authorizes c and runs h on it; a.mu is held. The caller's token is
// marked used only if h succeeds.
func (a *API) serve(h handler, scope string, token *Claims, c *call, bodyErr *apiError) (int, any, *apiError) {
	caller, err := a.authenticate(token, c.now)
	if err != nil {
		return 0, nil, err
	}
	if scope != "" && !hasScope(caller.Scopes, scope) {
		return 0, nil, errorf(http.StatusForbidden, fmt.Sprintf("Access token does not have the required scope: %s.", scope))
	}
	if bodyErr != nil {
		return 0, nil, bodyErr
	}
	c.caller = caller
	before := caller.LastUsedAt
	a.state.setLastUsed(caller, &c.now)
	status, out, herr := h(a, c)
	if herr != nil {
		a.state.setLastUsed(caller, before)
	}
	return status, out, herr
}

// rateLimit counts r against its client's window and sets the rate-limit
// headers; past the limit it answers 429 and reports false.
func (a *API) rateLimit(w http.ResponseWriter, r *http.Request) bool {
	client := api.RemoteHost(r)
	var s rateState
	if a.opts.NoRateLimit {
		s = a.limiter.peek(client)
	} else {
		s = a.limiter.take(client)
	}
	setRateHeaders(w.Header(), s)
	if s.allowed {
		return true
	}
	w.Header().Set("Retry-After", retryAfter(s, a.env.Now()))
	a.writeError(w, r, errorf(http.StatusTooManyRequests,
		fmt.Sprintf("API calls quota exceeded! maximum admitted %d per %s.", RateLimit, rateLimitPeriod)))
	return false
}

// readBody reads r's body up to api.MaxBodyBytes.
func readBody(r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := api.ReadBody(r, api.MaxBodyBytes)
	switch {
	case errors.Is(err, api.ErrBodyTooLarge):
		return nil, errorf(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("The request body is too large: the limit is %d bytes.", api.MaxBodyBytes))
	case err != nil:
		return nil, errorf(http.StatusBadRequest, "The request body could not be read.")
	}
	return body, nil
}

// verify checks the bearer token of r: its signature and fixed claims.
func (a *API) verify(r *http.Request) (*Claims, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, errorf(http.StatusUnauthorized, "Access token is missing.")
	}
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, errorf(http.StatusUnauthorized, "Access token is invalid.")
	}
	c, err := a.signer.Verify(strings.TrimSpace(token))
	if err != nil {
		return nil, errorf(http.StatusUnauthorized, "Access token is invalid.")
	}
	return c, nil
}

// authenticate finds the live token that c names; a.mu is held.
func (a *API) authenticate(c *Claims, now time.Time) (*pat, *apiError) {
	invalid := errorf(http.StatusUnauthorized, "Access token is invalid.")
	if err := checkClaims(c, now); err != nil {
		if c.ExpiresAt != nil && !now.Before(c.ExpiresAt.Time) {
			return nil, errorf(http.StatusUnauthorized, "Access token has expired.")
		}
		return nil, invalid
	}
	t := a.state.tokens[c.ID]
	if t == nil || t.UserID != c.Subject || a.data.users[t.UserID] == nil {
		return nil, invalid
	}
	switch {
	case t.Revoked:
		return nil, errorf(http.StatusUnauthorized, "Access token has been revoked.")
	case !t.live(now):
		return nil, errorf(http.StatusUnauthorized, "Access token has expired.")
	}
	return t, nil
}

// methodNotAllowed answers the methods a path does not serve.
func methodNotAllowed(allow string) http.Handler {
	return api.Handler(func(a *API, w http.ResponseWriter, r *http.Request) {
		if !a.rateLimit(w, r) {
			return
		}
		w.Header().Set("Allow", allow)
		a.writeError(w, r, errorf(http.StatusMethodNotAllowed, defaultMessage(http.StatusMethodNotAllowed)))
	})
}

// notFound answers a path under PathPrefix that no route serves (a trailing
// slash, an empty segment, a segment after the id): 404 with the error body,
// after the rate limit and before authentication, as a router that finds no
// endpoint answers.
func notFound() http.Handler {
	return api.Handler(func(a *API, w http.ResponseWriter, r *http.Request) {
		if !a.rateLimit(w, r) {
			return
		}
		a.writeError(w, r, errorf(http.StatusNotFound, defaultMessage(http.StatusNotFound)))
	})
}

// ownToken returns the caller's token named by the path's id.
func (a *API) ownToken(c *call) (*pat, *apiError) {
	t := a.state.tokens[api.Vars(c.r)["id"]]
	if t == nil || t.UserID != c.caller.UserID {
		return nil, errorf(http.StatusNotFound, "Personal access token not found.")
	}
	return t, nil
}

func (a *API) get(c *call) (int, any, *apiError) {
	t, err := a.ownToken(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a.data.tokenView(t), nil
}

func conflict() *apiError {
	return errorf(http.StatusConflict, "A personal access token with this name already exists.")
}

// accessToken is the answer to a create request.
type accessToken struct {
	AccessToken string `json:"accessToken"`
}

func (a *API) create(c *call) (int, any, *apiError) {
	req, err := a.parseCreate(c.body, c.now)
	if err != nil {
		return 0, nil, err
	}
	if !req.revoked && a.state.nameTaken(c.caller.UserID, req.name, "", c.now) {
		return 0, nil, conflict()
	}
	if a.env.Tokens.Reached(len(a.state.tokens)) {
		return 0, nil, a.tooManyPATs()
	}
	u := a.data.users[c.caller.UserID]
	t := &pat{
		fixturedToken: fixturedToken{
			ID: a.env.Random.UUID(), CreatedAt: c.now, UpdatedAt: c.now, Name: req.name,
			ExpiresAt: req.expiresAt, Revoked: req.revoked, Scopes: req.scopes, UserID: u.ID,
		},
	}
	tok, serr := a.sign(a.claimsFor(t, u))
	if serr != nil {
		a.env.Logger.Error("sign Cryptlex token", "error", serr)
		return 0, nil, errorf(http.StatusInternalServerError, defaultMessage(http.StatusInternalServerError))
	}
	a.state.add(t)
	a.emit(EventPATCreated, a.data.tokenView(t), c.now)
	return http.StatusCreated, accessToken{AccessToken: tok}, nil
}

// claimsFor is the claims of the JWT of t, issued at its creation.
func (a *API) claimsFor(t *pat, u *user) *Claims {
	c := &Claims{
		Scope:      slices.Clone(t.Scopes),
		Subject:    u.ID,
		Email:      u.Email,
		ID:         t.ID,
		IssuedAt:   jwt.NewNumericDate(t.CreatedAt),
		TokenUsage: TokenUsage,
		TenantID:   a.data.tenantID,
		Audience:   Audience,
	}
	if t.ExpiresAt != nil {
		c.ExpiresAt = jwt.NewNumericDate(*t.ExpiresAt)
	}
	return c
}

func (a *API) patch(c *call) (int, any, *apiError) {
	fields, err := decodeObject(c.body)
	if err != nil {
		return 0, nil, err
	}
	raw := fields["revoked"]
	if isNull(raw) {
		return 0, nil, errorf(http.StatusBadRequest, "revoked is required.")
	}
	var revoked bool
	if json.Unmarshal(raw, &revoked) != nil {
		return 0, nil, errorf(http.StatusBadRequest, "revoked must be a boolean.")
	}
	t, err := a.ownToken(c)
	if err != nil {
		return 0, nil, err
	}
	if t.Revoked && !revoked && a.state.nameTaken(t.UserID, t.Name, t.ID, c.now) {
		return 0, nil, conflict()
	}
	if t.Revoked != revoked {
		a.state.change(t, "updatedAt", func() { t.Revoked, t.UpdatedAt = revoked, c.now })
		a.emit(EventPATUpdated, a.data.tokenView(t), c.now)
	}
	return http.StatusOK, a.data.tokenView(t), nil
}

func (a *API) delete(c *call) (int, any, *apiError) {
	t, err := a.ownToken(c)
	if err != nil {
		return 0, nil, err
	}
	view := a.data.tokenView(t)
	a.state.remove(t)
	a.emit(EventPATDeleted, view, c.now)
	return http.StatusNoContent, nil, nil
}
