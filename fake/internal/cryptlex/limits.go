package cryptlex

import "net/http"

// tooManyPATs refuses a create that would take the server past its PAT
// cap. Cryptlex documents no such cap; the answer is its error envelope
// with 400.
func (a *API) tooManyPATs() *apiError {
	return errorf(http.StatusBadRequest, "Too many personal access tokens: "+a.env.Tokens.Refusal()+".")
}
