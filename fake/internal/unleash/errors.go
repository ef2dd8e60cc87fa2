package unleash

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tokenfake/tokenfake/fake/internal/api"
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

// apiError is one Unleash error: its status and JSON body. ID is set on
// errors rendered by Unleash's middleware (authentication, content type,
// schema validation, unknown API paths) and left out on errors raised by
// route handlers.
type apiError struct {
	status int

	ID      string   `json:"id,omitempty"`
	Name    string   `json:"name"`
	Message string   `json:"message"`
	Details []detail `json:"details"`

	// AuthenticationRequired only.
	Path          string `json:"path,omitempty"`
	Type          string `json:"type,omitempty"`
	DefaultHidden *bool  `json:"defaultHidden,omitempty"`
}

// value is the error as the client receives it.
func (e *apiError) value() *api.Error {
	return api.JSONError(e.status, contentTypeJSON, e)
}

// httpError is an error raised by Unleash's HTTP layer (Express's body
// parser): its body is a bare message.
type httpError struct {
	status  int
	Message string `json:"message"`
}

func (e *httpError) value() *api.Error {
	return api.JSONError(e.status, contentTypeJSON, e)
}

// handlerError is an error raised by a route handler (no id).
func handlerError(status int, name, message string) *apiError {
	return &apiError{status: status, Name: name, Message: message, Details: []detail{{Message: message}}}
}

// The errors the route handlers raise, each sent by its handler and by a
// scripted answer of its status alike.

func errNoUser() *apiError {
	return handlerError(http.StatusForbidden, "ForbiddenError", msgNoUser)
}

func errNoPAT() *apiError { return handlerError(http.StatusNotFound, "NotFoundError", msgNoPAT) }

func errDisabled() *apiError {
	return handlerError(http.StatusNotFound, "NotFoundError", msgDisabled)
}

func errDuplicate() *apiError {
	return handlerError(http.StatusConflict, "NameExistsError", msgDuplicate)
}

func errTooLarge() *httpError {
	return &httpError{status: http.StatusRequestEntityTooLarge, Message: msgTooLarge}
}

// errUndefinedUser is the database error Unleash answers a DELETE by the
// admin API token with.
func errUndefinedUser() *apiError {
	return handlerError(http.StatusInternalServerError, "UnknownError", msgUndefinedUser)
}

// errTooManyPATs refuses a PAT beyond the user's limit.
func errTooManyPATs(limit int) *apiError {
	return handlerError(http.StatusForbidden, "OperationDeniedError", fmt.Sprintf("Too many PATs (%d) already exist for this user.", limit))
}

// tooManyPATsOnServer refuses a create that would take the server past its
// PAT cap, with the error Unleash gives for a user's PAT limit.
func tooManyPATsOnServer(c api.Cap) *apiError {
	return handlerError(http.StatusForbidden, "OperationDeniedError", "Too many PATs: "+c.Refusal()+".")
}

// badData is a BadDataError raised by a route handler: the reason is both
// the tail of the message and the only detail.
func badData(reason string) *apiError {
	return &apiError{status: http.StatusBadRequest, Name: "BadDataError", Message: msgBadDataPrefix + ": " + reason, Details: []detail{{Message: reason}}}
}

// middlewareError is an error raised by Unleash's middleware, with a fresh
// error id.
func (a *API) middlewareError(status int, name, message string) *apiError {
	return &apiError{status: status, ID: a.errorIDs.UUID(), Name: name, Message: message, Details: []detail{{Message: message}}}
}

func (a *API) authRequired() *apiError {
	e := a.middlewareError(http.StatusUnauthorized, "AuthenticationRequired", msgAuthRequired)
	hidden := false
	e.Path, e.Type, e.DefaultHidden = loginPath, "password", &hidden
	return e
}

func (a *API) unauthorized() *apiError {
	return a.middlewareError(http.StatusUnauthorized, "UnauthorizedError", msgUnauthorized)
}

func (a *API) contentTypeError(provided string) *apiError {
	if provided == "" {
		provided = "you didn't provide one"
	}
	msg := fmt.Sprintf("We do not accept the content-type you provided (%s). Try using one of the content-types we do accept instead (%s) and make sure the body is in the corresponding format.", provided, acceptedMediaType)
	return a.middlewareError(http.StatusUnsupportedMediaType, "ContentTypeError", msg)
}

func (a *API) schemaError(details []detail) *apiError {
	return &apiError{status: http.StatusBadRequest, ID: a.errorIDs.UUID(), Name: "BadDataError", Message: msgSchemaInvalid, Details: details}
}

func (a *API) pathNotFound(r *http.Request) *apiError {
	return a.middlewareError(http.StatusNotFound, "NotFoundError", fmt.Sprintf("The path you were looking for (%s) is not available.", r.URL.Path))
}

// Error is Unleash's answer with status to r, JSON with content type
// "application/json; charset=utf-8". Statuses Unleash itself sends on these
// routes get the error it sends with them (for 403 and 404 the one that
// fits r's method); other statuses get the error class Unleash would raise
// for them (see docs/unleash.md).
func (a *API) Error(r *http.Request, status int) *api.Error {
	switch status {
	case http.StatusBadRequest:
		return a.schemaError([]detail{{Message: msgSchemaInvalid}}).value()
	case http.StatusUnauthorized:
		return a.unauthorized().value()
	case http.StatusForbidden:
		if r.Method == http.MethodPost {
			return errTooManyPATs(a.limit()).value()
		}
		return errNoUser().value()
	case http.StatusNotFound:
		if r.Method == http.MethodDelete {
			return errNoPAT().value()
		}
		return errDisabled().value()
	case http.StatusConflict:
		return errDuplicate().value()
	case http.StatusRequestEntityTooLarge:
		return errTooLarge().value()
	case http.StatusUnsupportedMediaType:
		return a.contentTypeError(strings.TrimSpace(r.Header.Get("Content-Type"))).value()
	}
	return handlerError(status, errorClass(status), statusText(status)).value()
}

// errorClass is the name of the error class Unleash raises for a status it
// does not send on these routes itself.
func errorClass(status int) string {
	switch status {
	case http.StatusMethodNotAllowed:
		return "NotImplementedError"
	case http.StatusUnprocessableEntity:
		return "DisabledError"
	case http.StatusTooManyRequests:
		return "RateLimitError"
	case http.StatusInternalServerError:
		return "InternalError"
	case http.StatusBadGateway:
		return "BadGatewayError"
	case http.StatusGatewayTimeout:
		return "GatewayTimeoutError"
	}
	return "UnknownError"
}

// statusText is the message of an error of errorClass(status).
func statusText(status int) string {
	if status == http.StatusTooManyRequests {
		return msgRateLimit
	}
	if text := http.StatusText(status); text != "" {
		return text
	}
	return fmt.Sprintf("Error %d", status)
}
