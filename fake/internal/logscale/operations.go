package logscale

import (
	"encoding/json"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// Request is a GraphQL request body decoded once: the server reads its
// operations (for its journal and scripted rules) and hands it to the API
// in the request's api.Call, which then serves it without reading or
// decoding the body again.
type Request struct {
	body []byte
	req  graphQLRequest
	err  error              // from decoding body into req
	doc  *ast.QueryDocument // req's query parsed, nil if it does not parse
	ops  []string
}

// parseRequest decodes body, a request body of at most api.MaxBodyBytes.
func (a *API) parseRequest(body []byte) *Request {
	r := &Request{body: body}
	r.err = json.Unmarshal(body, &r.req)
	if r.err != nil {
		// A body the API refuses with 400; its operations as a body
		// that names only a query and an operation name.
		r.ops = Operations(body)
		return r
	}
	if r.req.Query == nil || *r.req.Query == "" {
		return r
	}
	opName := ""
	if r.req.OperationName != nil {
		opName = *r.req.OperationName
	}
	if doc, err := a.queries.parse(*r.req.Query); err == nil {
		r.doc = doc
		r.ops = operations(doc, opName)
	}
	return r
}

// Operations returns what Operations returns for the request's body.
func (r *Request) Operations() []string { return r.ops }

// Operations returns the root field names of the operation a GraphQL request
// body selects (in document order, each once, fragments at the root
// followed), then its operationName if the body names one that is not already
// among them. Scripted rules match on these names. It returns nil for a body
// that is not a GraphQL request: not a JSON object, no query, a query that
// does not parse, or no operation that the operationName selects.
func Operations(body []byte) []string {
	var req struct {
		Query         string `json:"query"`
		OperationName string `json:"operationName"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Query == "" {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return nil
	}
	return operations(doc, req.OperationName)
}

// operations is Operations for a parsed query; nil for a nil doc.
func operations(doc *ast.QueryDocument, opName string) []string {
	if doc == nil {
		return nil
	}
	op := selectOperation(doc, opName)
	if op == nil {
		return nil
	}
	var names []string
	seen := map[string]bool{}
	add := func(name string) {
		if name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	visited := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				add(s.Name)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if visited[s.Name] {
					continue
				}
				visited[s.Name] = true
				if f := doc.Fragments.ForName(s.Name); f != nil {
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(op.SelectionSet)
	add(opName)
	return names
}

// selectOperation picks the operation named name, or the only operation when
// name is empty.
func selectOperation(doc *ast.QueryDocument, name string) *ast.OperationDefinition {
	if name != "" {
		return doc.Operations.ForName(name)
	}
	if len(doc.Operations) == 1 {
		return doc.Operations[0]
	}
	return nil
}
