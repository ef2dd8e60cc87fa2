package cryptlex

import (
	"encoding/json"
	"net/http"
	"strings"
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

// WriteError answers r with status the way Cryptlex does: a JSON body
// {"message", "code"}, the X-Rate-Limit-* headers of the caller's current
// window (without counting the request), on 429 a Retry-After and on 401 a
// WWW-Authenticate bearer challenge. Headers already set on w are kept.
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, status int) {
	a.writeError(w, r, errorf(status, defaultMessage(status)))
}

// writeError renders e, adding the rate-limit headers unless the request
// already has them.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, e *apiError) {
	h := w.Header()
	if h.Get("X-Rate-Limit-Limit") == "" || (e.status == http.StatusTooManyRequests && h.Get("Retry-After") == "") {
		s := a.limiter.peek(clientAddress(r))
		if e.status == http.StatusTooManyRequests {
			s.remaining = 0 // a 429 always reports the window used up
		}
		setRateHeaders(h, s)
		if e.status == http.StatusTooManyRequests {
			setDefault(h, "Retry-After", retryAfter(s, a.env.Now()))
		}
	}
	if e.status == http.StatusUnauthorized {
		challenge := `Bearer error="invalid_token"`
		if r.Header.Get("Authorization") == "" {
			challenge = "Bearer"
		}
		setDefault(h, "WWW-Authenticate", challenge)
	}
	writeJSON(w, e.status, errorBody{Message: e.message, Code: errorCode(e.status)})
}

// writeJSON writes v as the JSON body of a response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"message":"An internal server error occurred.","code":"InternalServerError"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
