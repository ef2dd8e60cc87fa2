package logscale

import (
	"net/http"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// LogScale's HTTP layer is Akka HTTP: errors outside GraphQL are plain text,
// either the text of one of Akka's default rejections or the default message
// Akka attaches to a bare status code.
const (
	// textUnauthorized answers a missing, unknown or expired token.
	textUnauthorized = "The supplied authentication is invalid"
	// textForbidden answers an authenticated caller who may not do this.
	textForbidden = "The supplied authentication is not authorized to access this resource"
	// textNotFound answers a path no route matches.
	textNotFound = "The requested resource could not be found."
	// textMethodNotAllowed answers a method other than POST on /graphql.
	textMethodNotAllowed = "HTTP method not allowed, supported methods: POST"
	// textMalformedPrefix starts the answer to a body that is not JSON.
	textMalformedPrefix = "The request content was malformed:\n"
	// textContentType is Akka's content type for plain-text responses.
	textContentType = "text/plain; charset=UTF-8"
)

// statusTexts are Akka HTTP's default messages for bare status codes, used
// for every status that has no more specific rejection text.
var statusTexts = map[int]string{
	400: "The request contains bad syntax or cannot be fulfilled.",
	402: "Reserved for future use.",
	406: "The requested resource is only capable of generating content not acceptable according to the Accept headers sent in the request.",
	407: "Proxy authentication is required to access the requested resource.",
	408: "The server timed out waiting for the request.",
	409: "The request could not be processed because of conflict in the request, such as an edit conflict.",
	410: "The resource requested is no longer available and will not be available again.",
	411: "The request did not specify the length of its content, which is required by the requested resource.",
	412: "The server does not meet one of the preconditions that the requester put on the request.",
	413: "The request payload is larger than the server is willing or able to process.",
	414: "The URI provided was too long for the server to process.",
	415: "The request entity has a media type which the server or resource does not support.",
	416: "The client has asked for a portion of the file, but the server cannot supply that portion.",
	417: "The server cannot meet the requirements of the Expect request-header field.",
	418: "The resulting entity body MAY be short and stout.",
	420: "You are being rate-limited.",
	421: "The request was directed at a server that is not able to produce a response.",
	422: "The request was well-formed but was unable to be followed due to semantic errors.",
	423: "The resource that is being accessed is locked.",
	424: "The request failed due to failure of a previous request.",
	425: "The server is unwilling to risk processing a request that might be replayed.",
	426: "The client should switch to a different protocol.",
	428: "The server requires the request to be conditional.",
	429: "The user has sent too many requests in a given amount of time.",
	431: "The server is unwilling to process the request because either an individual header field, or all the header fields collectively, are too large.",
	449: "The request should be retried after doing the appropriate action.",
	450: "Windows Parental Controls are turned on and are blocking access to the given webpage.",
	451: "Resource access is denied for legal reasons.",
	500: "There was an internal server error.",
	501: "The server either does not recognize the request method, or it lacks the ability to fulfill the request.",
	502: "The server was acting as a gateway or proxy and received an invalid response from the upstream server.",
	503: "The server is currently unavailable (because it is overloaded or down for maintenance).",
	504: "The server was acting as a gateway or proxy and did not receive a timely response from the upstream server.",
	505: "The server does not support the HTTP protocol version used in the request.",
	506: "Transparent content negotiation for the request, results in a circular reference.",
	507: "Insufficient storage to complete the request.",
	508: "The server detected an infinite loop while processing the request.",
	509: "Bandwidth limit has been exceeded.",
	510: "Further extensions to the request are required for the server to fulfill it.",
	511: "The client needs to authenticate to gain network access.",
	// Akka's default messages for 598 and 599 are empty; their reason
	// phrases stand in.
	598: "Network read timeout error",
	599: "Network connect timeout error",
}

// ErrorText returns the plain-text body LogScale sends with status: for 401,
// 403, 404 and 405 the text of Akka HTTP's matching default rejection, for
// other statuses Akka's default message for the code (for a code Akka does
// not know, Go's reason phrase).
func ErrorText(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return textUnauthorized
	case http.StatusForbidden:
		return textForbidden
	case http.StatusNotFound:
		return textNotFound
	case http.StatusMethodNotAllowed:
		return textMethodNotAllowed
	}
	if t, ok := statusTexts[status]; ok {
		return t
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Unknown error."
}

// Error is LogScale's answer with status when that is all there is to say:
// a text/plain body (see ErrorText), and for 405 an Allow header naming
// POST.
func (a *API) Error(_ *http.Request, status int) *api.Error {
	return textError(status, ErrorText(status))
}

// textError is a plain-text LogScale error.
func textError(status int, text string) *api.Error {
	e := api.NewError(status, textContentType, []byte(text))
	if status == http.StatusMethodNotAllowed {
		e.Header.Set("Allow", http.MethodPost)
	}
	return e
}
