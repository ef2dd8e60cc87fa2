package cryptlex

import (
	"net/http"
	"strings"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// errorBody is Cryptlex's error envelope.
type errorBody struct {
	Message string `json:"message"`
	Code    string `json:"code"`
}

// apiError is a failed request: its status and the message Cryptlex gives.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, message string) *apiError {
	return &apiError{status: status, message: message}
}

// defaultMessage is the message of an error with status that has no more
// specific one, such as a scripted error.
func defaultMessage(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "The request is invalid."
	case http.StatusUnauthorized:
		return "The access token is missing or invalid."
	case http.StatusForbidden:
		return "The access token does not have the scope required for this operation."
	case http.StatusNotFound:
		return "The resource was not found."
	case http.StatusMethodNotAllowed:
		return "The method is not allowed for this resource."
	case http.StatusConflict:
		return "The request conflicts with an existing resource."
	case http.StatusRequestEntityTooLarge:
		return "The request body is too large."
	case http.StatusTooManyRequests:
		return "API calls quota exceeded! maximum admitted 50 per 5s."
	case http.StatusInternalServerError:
		return "An internal server error occurred."
	case http.StatusServiceUnavailable:
		return "The service is temporarily unavailable."
	}
	if t := http.StatusText(status); t != "" {
		return t + "."
	}
	return "The request failed."
}

// errorCode is the code of an error body: the status's reason phrase in
// PascalCase, such as "TooManyRequests".
func errorCode(status int) string {
	text := strings.ReplaceAll(http.StatusText(status), "'", "")
	if text == "" {
		return "Error"
	}
	var b strings.Builder
	for _, word := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(word[:1]))
		b.WriteString(word[1:])
	}
	return b.String()
}

// contentTypeJSON is the content type of every answer.
const contentTypeJSON = "application/json; charset=utf-8"

// Error is Cryptlex's answer with status to r: a JSON body {"message",
// "code"}, the X-Rate-Limit-* headers of the caller's current window
// (without counting the request), on 429 a Retry-After and on 401 a
// WWW-Authenticate bearer challenge.
func (a *API) Error(r *http.Request, status int) *api.Error {
	return a.errorValue(r, errorf(status, defaultMessage(status)), nil)
}

// writeError sends e, with the rate-limit headers of the request's window
// unless w has them already.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	a.errorValue(r, e, w.Header()).Write(w)
}

// errorValue is e as the client receives it. sent are the headers already
// set on the answer: the rate-limit headers are added when sent has none
// (and on a 429, Retry-After when sent has none).
func (a *API) errorValue(r *http.Request, e *apiError, sent http.Header) *api.Error {
	v := api.JSONError(e.status, contentTypeJSON, errorBody{Message: e.message, Code: errorCode(e.status)})
	h := v.Header
	if sent.Get("X-Rate-Limit-Limit") == "" || (e.status == http.StatusTooManyRequests && sent.Get("Retry-After") == "") {
		s := a.limiter.peek(api.RemoteHost(r))
		if e.status == http.StatusTooManyRequests {
			s.remaining = 0 // a 429 always reports the window used up
		}
		if sent.Get("X-Rate-Limit-Limit") == "" {
			setRateHeaders(h, s)
		}
		if e.status == http.StatusTooManyRequests && sent.Get("Retry-After") == "" {
			h.Set("Retry-After", retryAfter(s, a.env.Now()))
		}
	}
	if e.status == http.StatusUnauthorized {
		challenge := `Bearer error="invalid_token"`
		if r.Header.Get("Authorization") == "" {
			challenge = "Bearer"
		}
		h.Set("WWW-Authenticate", challenge)
	}
	return v
}
