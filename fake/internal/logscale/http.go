package logscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	gqlerrors "github.com/graph-gophers/graphql-go/errors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// textIPFilter answers a token used from an address its IP filter refuses.
const textIPFilter = "Tokens can only be used from IP addresses accepted by the IP filter set for them if any."

// call is what resolvers know about the request they serve.
type call struct {
	api  *API
	now  time.Time
	tok  *token // the token the request authenticated with
	user *user  // the token's user, for personal tokens; nil otherwise
}

type callKey struct{}

func callFrom(ctx context.Context) *call { return ctx.Value(callKey{}).(*call) }

// graphQLRequest is the body of a request.
type graphQLRequest struct {
	Query         *string        `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName *string        `json:"operationName"`
}

// graphQLResponse is the body of an answer; data comes first, as LogScale
// writes it.
type graphQLResponse struct {
	Data   json.RawMessage         `json:"data,omitempty"`
	Errors []*gqlerrors.QueryError `json:"errors,omitempty"`
}

// ServeHTTP answers a request to /graphql. Checks run in LogScale's order:
// the method (405), the token (401, or 403 from the token's IP filter), the
// body's size (413) and JSON (400); then the GraphQL request runs and is
// answered with 200, errors included.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		textError(http.StatusMethodNotAllowed, textMethodNotAllowed).Write(w)
		return
	}
	c, status := a.authenticate(r)
	switch status {
	case http.StatusForbidden:
		textError(status, textIPFilter).Write(w)
		return
	case http.StatusUnauthorized:
		textError(status, textUnauthorized).Write(w)
		return
	}
	var pr *Request
	if c := api.CallFrom(r.Context()); c != nil {
		pr, _ = c.Parsed.(*Request)
	}
	if pr == nil {
		body, rerr := readBody(r)
		if rerr != nil {
			rerr.Write(w)
			return
		}
		pr = a.parseRequest(body)
	}
	if pr.err != nil {
		textError(http.StatusBadRequest, textMalformedPrefix+api.DescribeJSONError(pr.body, pr.err).Error()).Write(w)
		return
	}
	req := pr.req
	if req.Query == nil {
		textError(http.StatusBadRequest, textMalformedPrefix+"the request has no query").Write(w)
		return
	}
	opName := ""
	if req.OperationName != nil {
		opName = *req.OperationName
	}
	schema, err := executableSchema()
	if err != nil {
		a.env.Logger.ErrorContext(r.Context(), "logscale: the GraphQL schema does not build", "err", err)
		textError(http.StatusInternalServerError, ErrorText(http.StatusInternalServerError)).Write(w)
		return
	}
	ctx := context.WithValue(r.Context(), callKey{}, c)
	res, ok := a.execBounded(ctx, schema, *req.Query, opName, req.Variables)
	if !ok {
		writeGraphQL(w, a.tooLargeResponse())
		return
	}
	// Resolver errors get their locations from the document, parsed once
	// with the request. A query too long or not parsable has only
	// graphql-go's own errors, which carry locations already.
	res.Errors = withoutFormatArtifacts(res.Errors)
	doc := pr.doc
	for _, e := range res.Errors {
		if e.ResolverError == nil && len(e.Path) == 0 {
			e.Message = coercionMessage(*req.Query, opName, req.Variables, e.Message)
		}
		if len(e.Locations) == 0 && len(e.Path) > 0 {
			if doc == nil && len(*req.Query) <= MaxQueryLength {
				doc, _ = a.queries.parse(*req.Query)
			}
			e.Locations = fieldLocation(doc, opName, e.Path)
		}
	}
	if len(res.Errors) > 0 && string(res.Data) == "{}" {
		// graphql-go answers a variable or argument it cannot coerce with
		// empty data; such a request error has no data at all.
		res.Data = nil
	}
	writeGraphQL(w, graphQLResponse{Data: res.Data, Errors: res.Errors})
}

// writeGraphQL answers 200 with res as JSON. The data, which graphql-go
// writes as compact JSON, is copied as it is; only the errors are encoded.
func writeGraphQL(w http.ResponseWriter, res graphQLResponse) {
	if len(res.Errors) == 0 && len(res.Data) > 0 {
		// Nothing left that can fail: the data goes to w as it is.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"data":`)
		_, _ = w.Write(res.Data)
		_, _ = io.WriteString(w, "}")
		return
	}
	buf := bytes.NewBuffer(make([]byte, 0, len(res.Data)+32))
	buf.WriteByte('{')
	if len(res.Data) > 0 {
		buf.WriteString(`"data":`)
		buf.Write(res.Data)
	}
	if len(res.Errors) > 0 {
		if len(res.Data) > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`"errors":`)
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res.Errors); err != nil {
			textError(http.StatusInternalServerError, ErrorText(http.StatusInternalServerError)).Write(w)
			return
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
	}
	buf.WriteByte('}')
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// sangriaPhrases rewrite graphql-go's validation wording into Sangria's.
var sangriaPhrases = strings.NewReplacer(
	`"`, `'`,
	" is required, but it was not provided.", " is required but not provided.",
	"graphql-ws protocol header is missing", "Schema is not configured for subscriptions.",
)

// sangriaStyle words a validation message the way Sangria, the GraphQL
// library LogScale uses, does: 'name' rather than "name", and its phrasing
// where it differs from graphql-go's.
func sangriaStyle(msg string) string { return sangriaPhrases.Replace(msg) }

// textValidationFailed is Sangria's summary of a document that fails
// validation; it stands in for a message that cannot be worded better.
const textValidationFailed = "Query does not pass validation."

// withoutFormatArtifacts removes from errs the validation messages in which
// graphql-go printed a type it could not resolve as a Go formatting artifact
// ("%!q(<nil>)"): a fragment on an unknown type is reported once, by the
// "Unknown type" error that graphql-go adds for it, as Sangria does. Should
// no other error remain, the message becomes Sangria's summary instead.
func withoutFormatArtifacts(errs []*gqlerrors.QueryError) []*gqlerrors.QueryError {
	if !slices.ContainsFunc(errs, hasFormatArtifact) {
		return errs
	}
	kept := slices.DeleteFunc(slices.Clone(errs), hasFormatArtifact)
	if len(kept) > 0 {
		return kept
	}
	first := *errs[0]
	first.Message = textValidationFailed
	return []*gqlerrors.QueryError{&first}
}

// formatArtifact matches what Go's fmt prints for a verb it cannot apply,
// such as "%!q(<nil>)" or "%!(EXTRA string=x)".
var formatArtifact = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`%![a-zA-Z]?\(`)
})

// hasFormatArtifact reports whether e, an error of graphql-go's own (not
// of a resolver), shows a Go formatting verb that went wrong.
func hasFormatArtifact(e *gqlerrors.QueryError) bool {
	return e.ResolverError == nil && formatArtifact().MatchString(e.Message)
}

// fieldLocation returns where in the query the field at path (response keys
// and list indexes) is selected, or nil if it cannot be found.
func fieldLocation(doc *ast.QueryDocument, opName string, path []any) []gqlerrors.Location {
	if doc == nil {
		return nil
	}
	op := selectOperation(doc, opName)
	if op == nil {
		return nil
	}
	set := op.SelectionSet
	var field *ast.Field
	for _, p := range path {
		key, ok := p.(string)
		if !ok {
			continue // a list index
		}
		field = findField(doc, set, key, map[string]bool{})
		if field == nil {
			return nil
		}
		set = field.SelectionSet
	}
	if field == nil || field.Position == nil {
		return nil
	}
	return []gqlerrors.Location{{Line: field.Position.Line, Column: field.Position.Column}}
}

// findField finds the field with response key key in set, looking into
// fragments.
func findField(doc *ast.QueryDocument, set ast.SelectionSet, key string, seen map[string]bool) *ast.Field {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias == key || (s.Alias == "" && s.Name == key) {
				return s
			}
		case *ast.InlineFragment:
			if f := findField(doc, s.SelectionSet, key, seen); f != nil {
				return f
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if def := doc.Fragments.ForName(s.Name); def != nil {
				if f := findField(doc, def.SelectionSet, key, seen); f != nil {
					return f
				}
			}
		}
	}
	return nil
}

// authenticate finds the caller of r. It returns 401 for a missing, unknown
// or expired token and 403 for a token whose IP filter refuses the caller's
// address.
func (a *API) authenticate(r *http.Request) (*call, int) {
	now := a.env.Now()
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, http.StatusUnauthorized
	}
	id, secret, ok := strings.Cut(strings.TrimSpace(cred), "~")
	if !ok {
		return nil, http.StatusUnauthorized
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	t := a.st.tokens[id]
	if t == nil || t.secret != secret || t.expired(now) {
		return nil, http.StatusUnauthorized
	}
	if f := a.st.ipFiltersByID[t.ipFilterID]; f != nil && !ipAllowed(f.filter, remoteAddr(r)) {
		return nil, http.StatusForbidden
	}
	c := &call{api: a, now: now, tok: t}
	if t.kind == kindPersonal {
		c.user = a.st.usersByID[t.userID]
	}
	return c, 0
}

// remoteAddr returns the address r came from, or the zero Addr.
func remoteAddr(r *http.Request) netip.Addr {
	addr, _ := netip.ParseAddr(api.RemoteHost(r))
	return addr
}

// readBody reads r's body: 413 over api.MaxBodyBytes, 400 when it cannot be
// read.
func readBody(r *http.Request) ([]byte, *api.Error) {
	body, err := api.ReadBody(r, api.MaxBodyBytes)
	switch {
	case errors.Is(err, api.ErrBodyTooLarge):
		return nil, textError(http.StatusRequestEntityTooLarge, ErrorText(http.StatusRequestEntityTooLarge))
	case err != nil:
		return nil, textError(http.StatusBadRequest, ErrorText(http.StatusBadRequest))
	}
	return body, nil
}
