package logscale

import (
	"encoding/json"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

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
	op := selectOperation(doc, req.OperationName)
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
	add(req.OperationName)
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
