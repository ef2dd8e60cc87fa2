package unleash

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Error names and messages Unleash uses on the personal-access-token routes.
const (
	msgAuthRequired = "You must log in to use Unleash. Your request had no authorization header, so we could not authorize you. Try logging in at /auth/simple/login"
	msgUnauthorized = "You must log in to use Unleash."
	msgNoUser       = "PATs require an authenticated user."
	msgNoPAT        = "No PAT found."
	msgDisabled     = "PATs are disabled."
	msgDuplicate    = "PAT description already exists."
	msgRateLimit    = "We're currently receiving too much traffic. Please try again later."
	msgTooLarge     = "request entity too large"

	msgUndefinedUser = `Undefined binding(s) detected when compiling DEL. Undefined column(s): [user_id] query: delete from "personal_access_tokens" where "id" = ? and "user_id" = ?`

	msgBadDataPrefix  = "Request validation failed: your request body or params contain invalid data"
	msgSchemaInvalid  = msgBadDataPrefix + ". Refer to the `details` list for more information."
	msgEmptyDesc      = "PAT description cannot be empty."
	msgExpiryInPast   = "The expiry date should be in future."
	loginPath         = "/auth/simple/login"
	acceptedMediaType = "application/json"
)

// contentTypeJSON is the content type Express sends with res.json.
const contentTypeJSON = "application/json; charset=utf-8"

// detail is one entry of an error's details list.
type detail struct {
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// apiError is Unleash's JSON error body. ID is set on errors rendered by
// Unleash's middleware (authentication, content type, schema validation,
// unknown API paths) and left out on errors raised by route handlers.
type apiError struct {
	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name"`
	Message string   `json:"message"`
	Details []detail `json:"details"`

	// AuthenticationRequired only.
	Path          string `json:"path,omitempty"`
	Type          string `json:"type,omitempty"`
	DefaultHidden *bool  `json:"defaultHidden,omitempty"`
}

// httpError is the body Unleash sends for errors raised by its HTTP layer
// (Express's body parser): a bare message.
type httpError struct {
	Message string `json:"message"`
}

// handlerError is an error raised by a route handler (no id).
func handlerError(name, message string) *apiError {
	return &apiError{Name: name, Message: message, Details: []detail{{Message: message}}}
}

// badData is a BadDataError raised by a route handler: the reason is both
// the tail of the message and the only detail.
func badData(reason string) *apiError {
	return &apiError{Name: "BadDataError", Message: msgBadDataPrefix + ": " + reason, Details: []detail{{Message: reason}}}
}

// middlewareError is an error raised by Unleash's middleware, with a fresh
// error id.
func (a *API) middlewareError(name, message string) *apiError {
	return &apiError{ID: a.errorIDs.UUID(), Name: name, Message: message, Details: []detail{{Message: message}}}
}

func (a *API) authRequired() *apiError {
	e := a.middlewareError("AuthenticationRequired", msgAuthRequired)
	hidden := false
	e.Path, e.Type, e.DefaultHidden = loginPath, "password", &hidden
	return e
}

func (a *API) contentTypeError(provided string) *apiError {
	if provided == "" {
		provided = "you didn't provide one"
	}
	msg := fmt.Sprintf("We do not accept the content-type you provided (%s). Try using one of the content-types we do accept instead (%s) and make sure the body is in the corresponding format.", provided, acceptedMediaType)
	return a.middlewareError("ContentTypeError", msg)
}

func (a *API) schemaError(details []detail) *apiError {
	return &apiError{ID: a.errorIDs.UUID(), Name: "BadDataError", Message: msgSchemaInvalid, Details: details}
}

func (a *API) pathNotFound(r *http.Request) *apiError {
	return a.middlewareError("NotFoundError", fmt.Sprintf("The path you were looking for (%s) is not available.", r.URL.Path))
}

// writeJSON answers with status and v as JSON, keeping headers already set
// (a Content-Type among them).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Every value written here is made of strings, numbers and slices.
		panic(fmt.Sprintf("unleash: encode response: %v", err))
	}
	h := w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", contentTypeJSON)
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError answers r with status the way Unleash does: a JSON body with
// content type "application/json; charset=utf-8". Headers already set on w
// are kept. Statuses Unleash itself sends on these routes get the body it
// sends for them (for 403 and 404 the one that fits r's method); other
// statuses get the error class Unleash would raise for them (see the README).
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, status int) {
	writeJSON(w, status, a.errorFor(r, status))
}

func (a *API) errorFor(r *http.Request, status int) any {
	switch status {
	case http.StatusBadRequest:
		return a.schemaError([]detail{{Message: msgSchemaInvalid}})
	case http.StatusUnauthorized:
		return a.middlewareError("UnauthorizedError", msgUnauthorized)
	case http.StatusForbidden:
		if r.Method == http.MethodPost {
			return handlerError("OperationDeniedError", tooManyPATs(a.limit()))
		}
		return handlerError("ForbiddenError", msgNoUser)
	case http.StatusNotFound:
		if r.Method == http.MethodDelete {
			return handlerError("NotFoundError", msgNoPAT)
		}
		return handlerError("NotFoundError", msgDisabled)
	case http.StatusMethodNotAllowed:
		return handlerError("NotImplementedError", http.StatusText(status))
	case http.StatusConflict:
		return handlerError("NameExistsError", msgDuplicate)
	case http.StatusRequestEntityTooLarge:
		return httpError{Message: msgTooLarge}
	case http.StatusUnsupportedMediaType:
		return a.contentTypeError(strings.TrimSpace(r.Header.Get("Content-Type")))
	case http.StatusUnprocessableEntity:
		return handlerError("DisabledError", http.StatusText(status))
	case http.StatusTooManyRequests:
		return handlerError("RateLimitError", msgRateLimit)
	case http.StatusInternalServerError:
		return handlerError("InternalError", http.StatusText(status))
	case http.StatusBadGateway:
		return handlerError("BadGatewayError", http.StatusText(status))
	case http.StatusGatewayTimeout:
		return handlerError("GatewayTimeoutError", http.StatusText(status))
	}
	text := http.StatusText(status)
	if text == "" {
		text = fmt.Sprintf("Error %d", status)
	}
	return handlerError("UnknownError", text)
}

func tooManyPATs(limit int) string {
	return fmt.Sprintf("Too many PATs (%d) already exist for this user.", limit)
}
