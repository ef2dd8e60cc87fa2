package logscale

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
)

// MaxFieldPairs bounds how many pairs of fields with the same response name
// a document may ask the validator to compare. graphql-go checks every such
// pair (and then their sub-selections, merged) to see that the fields can be
// merged, which costs time in the square of their number: a 64 KiB query
// that repeats one field a few thousand times would otherwise hold a
// request for seconds. Real queries compare a few dozen pairs.
const MaxFieldPairs = 50_000

// maxOverlapWork bounds the fields the count itself visits (fragments
// spread several times are visited each time, as the validator does).
const maxOverlapWork = 200_000

// overlapError returns the error of a document whose same-named fields
// would cost the validator too much, or "" if it is within MaxFieldPairs.
func overlapError(doc *ast.QueryDocument) string {
	c := overlapCounter{doc: doc, budget: MaxFieldPairs, work: maxOverlapWork}
	for _, op := range doc.Operations {
		if !c.visit([]ast.SelectionSet{op.SelectionSet}, map[string]bool{}) {
			return c.message()
		}
	}
	for _, f := range doc.Fragments {
		if !c.visit([]ast.SelectionSet{f.SelectionSet}, map[string]bool{f.Name: true}) {
			return c.message()
		}
	}
	return ""
}

// overlapCounter counts the pairs of same-named fields the validator
// compares, the way it compares them: the fields of a selection set
// (fragments included) grouped by response name, then for each group the
// sub-selections of its fields merged into one set.
type overlapCounter struct {
	doc    *ast.QueryDocument
	budget int // pairs left
	work   int // field visits left
}

func (c *overlapCounter) message() string {
	return fmt.Sprintf("The query is too complex: it repeats fields with the same name more than its %d comparisons allow.", MaxFieldPairs)
}

// visit counts the pairs in the merged selection sets sets; active holds
// the fragments being expanded (a cycle is left to the validator's own
// error). It reports false once a budget is spent.
func (c *overlapCounter) visit(sets []ast.SelectionSet, active map[string]bool) bool {
	groups := map[string][]*ast.Field{}
	var order []string
	var collect func(ast.SelectionSet) bool
	collect = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			if c.work--; c.work < 0 {
				return false
			}
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if _, ok := groups[key]; !ok {
					order = append(order, key)
				}
				groups[key] = append(groups[key], s)
			case *ast.InlineFragment:
				if !collect(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				def := c.doc.Fragments.ForName(s.Name)
				if def == nil || active[s.Name] {
					continue
				}
				active[s.Name] = true
				ok := collect(def.SelectionSet)
				delete(active, s.Name)
				if !ok {
					return false
				}
			}
		}
		return true
	}
	for _, set := range sets {
		if !collect(set) {
			return false
		}
	}
	for _, key := range order {
		fields := groups[key]
		n := len(fields)
		if c.budget -= n * (n - 1) / 2; c.budget < 0 {
			return false
		}
		var children []ast.SelectionSet
		for _, f := range fields {
			if len(f.SelectionSet) > 0 {
				children = append(children, f.SelectionSet)
			}
		}
		if len(children) > 0 && !c.visit(children, active) {
			return false
		}
	}
	return true
}
