package logscale

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// unpackError matches graphql-go's message for a variable value it cannot
// coerce to a built-in scalar: "could not unmarshal 5 (float64) into
// string: incompatible type: float64".
var unpackError = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^could not unmarshal (.*) \((\w+)\) into ([\w.]+): `)
})

// scalarReasons are Sangria's reasons for a value that is not of a scalar
// type, by the Go type graphql-go unpacks the scalar into.
var scalarReasons = map[string]struct{ scalar, reason string }{
	"string":     {"String", "String value expected"},
	"graphql.ID": {"ID", "String or Int value expected"},
	"int32":      {"Int", "Int value expected"},
	"float64":    {"Float", "Float or Int value expected"},
	"bool":       {"Boolean", "Boolean value expected"},
}

// coercionMessage words graphql-go's error for a variable value of the
// wrong type as Sangria words it: "Variable '$x' expected value of type
// 'String!' but got: 5. Reason: String value expected" ("[in field 'name']"
// before the reason when the value is inside an input object). Any other
// validation message gets sangriaStyle.
func coercionMessage(query, opName string, vars map[string]any, msg string) string {
	m := unpackError().FindStringSubmatch(msg)
	if m == nil {
		return sangriaStyle(msg)
	}
	want, ok := scalarReasons[m[3]]
	if !ok {
		return sangriaStyle(msg)
	}
	reason := want.reason
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return fmt.Sprintf("Expected value of type '%s' but got: %s. Reason: %s", want.scalar, m[1], reason)
	}
	op := doc.Operations.ForName(opName)
	if op == nil && opName == "" && len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	if op != nil {
		for _, def := range op.VariableDefinitions {
			value, ok := vars[def.Variable]
			if !ok {
				continue
			}
			field, found := findLeaf(value, m[1], m[2], "")
			if !found {
				continue
			}
			if field != "" {
				reason = fmt.Sprintf("[in field '%s'] %s", field, reason)
			}
			return fmt.Sprintf("Variable '$%s' expected value of type '%s' but got: %s. Reason: %s",
				def.Variable, def.Type.String(), literal(value), reason)
		}
	}
	return fmt.Sprintf("Expected value of type '%s' but got: %s. Reason: %s", want.scalar, m[1], reason)
}

// findLeaf reports whether v holds a scalar that graphql-go prints as text
// with Go type typ, and the name of the input object field that holds it
// ("" when it is not in an object).
func findLeaf(v any, text, typ, field string) (string, bool) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if f, ok := findLeaf(v[k], text, typ, k); ok {
				return f, true
			}
		}
	case []any:
		for _, e := range v {
			if f, ok := findLeaf(e, text, typ, field); ok {
				return f, true
			}
		}
	default:
		if fmt.Sprintf("%#v", v) == text && fmt.Sprintf("%T", v) == typ {
			return field, true
		}
	}
	return "", false
}

// literal writes a JSON variable value as a GraphQL input literal, the way
// Sangria shows the value it got: {name: 5, tags: ["a"]}.
func literal(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + literal(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = literal(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		b, _ := json.Marshal(v)
		return string(b)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return "null"
	default:
		return fmt.Sprint(v)
	}
}
