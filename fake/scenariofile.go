package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/goccy/go-yaml"
)

func parseScenario(data []byte) (Scenario, error) {
	var doc any
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.UseOrderedMap()); err != nil {
		return Scenario{}, fmt.Errorf("not valid YAML or JSON: %s", oneLine(err))
	}
	if doc == nil {
		return Scenario{}, errors.New("empty file")
	}
	top, err := fields(doc, "name", "description", "rules")
	if err != nil {
		var u *unknownFieldError
		if errors.As(err, &u) {
			return Scenario{}, fmt.Errorf("%s: %w", keyName(u.key), err)
		}
		return Scenario{}, fmt.Errorf("top level: %w", err)
	}
	var sc Scenario
	if sc.Name, err = str(top, "name"); err != nil {
		return Scenario{}, fmt.Errorf("name: %w", err)
	}
	if sc.Name == "" {
		return Scenario{}, errors.New("name: required")
	}
	if strings.ContainsAny(sc.Name, " \t\r\n/[]") {
		return Scenario{}, fmt.Errorf("name: %q must not contain spaces, slashes or brackets", sc.Name)
	}
	if sc.Description, err = str(top, "description"); err != nil {
		return Scenario{}, fmt.Errorf("description: %w", err)
	}
	rules, ok := top["rules"].([]any)
	if !ok {
		if top["rules"] == nil {
			return Scenario{}, errors.New("rules: required, a list of rules")
		}
		return Scenario{}, fmt.Errorf("rules: must be a list, got %s", kind(top["rules"]))
	}
	if len(rules) == 0 {
		return Scenario{}, errors.New("rules: must not be empty")
	}
	names := map[string]int{}
	for i, raw := range rules {
		r, err := parseRule(raw)
		if err != nil {
			var re *RuleError
			if errors.As(err, &re) {
				re.Index = i
				return Scenario{}, re
			}
			return Scenario{}, err
		}
		c, err := compileRule(r, sc.Name, i)
		if err != nil {
			return Scenario{}, err
		}
		r.Name = c.Name // compileRule names an unnamed rule after the scenario
		if j, dup := names[r.Name]; dup {
			return Scenario{}, &RuleError{Index: i, Name: r.Name, Field: "name", Problem: fmt.Sprintf("already used by rules[%d]", j)}
		}
		names[r.Name] = i
		sc.Rules = append(sc.Rules, r)
	}
	return sc, nil
}

func parseRule(raw any) (Rule, error) {
	var r Rule
	fail := func(field string, err error) (Rule, error) {
		return Rule{}, &RuleError{Name: r.Name, Field: field, Problem: err.Error()}
	}
	m, ferr := fields(raw, "name", "match", "after", "times", "respond")
	if m == nil {
		return fail(fieldPath("", ferr), ferr)
	}
	name, err := str(m, "name")
	if err != nil {
		return fail("name", err)
	}
	r.Name = name
	if ferr != nil {
		return fail(fieldPath("", ferr), ferr)
	}
	if v, ok := m["match"]; ok && v != nil {
		mm, err := fields(v, "api", "operation", "method", "path", "webhook")
		if err != nil {
			return fail(fieldPath("match", err), err)
		}
		for key, dst := range map[string]*string{"api": &r.Match.API, "operation": &r.Match.Operation, "method": &r.Match.Method, "path": &r.Match.Path, "webhook": &r.Match.Webhook} {
			if *dst, err = str(mm, key); err != nil {
				return fail("match."+key, err)
			}
		}
	}
	if r.After, err = integer(m, "after"); err != nil {
		return fail("after", err)
	}
	if v, ok := m["times"]; ok && v != nil {
		if r.Times, err = integer(m, "times"); err != nil {
			return fail("times", err)
		}
		if r.Times < 0 {
			return fail("times", fmt.Errorf("must not be negative (0, or left out, answers every call), got %d", r.Times))
		}
	}
	rv, ok := m["respond"]
	if !ok || rv == nil {
		return fail("respond", errors.New("required"))
	}
	rm, err := fields(rv, "status", "headers", "body", "delay", "fault", "delivery")
	if err != nil {
		return fail(fieldPath("respond", err), err)
	}
	resp := &r.Respond
	if resp.Status, err = integer(rm, "status"); err != nil {
		return fail("respond.status", err)
	}
	if v, ok := rm["headers"]; ok && v != nil {
		hm, err := fields(v)
		if err != nil {
			return fail("respond.headers", err)
		}
		resp.Headers = make(map[string]string, len(hm))
		for k, hv := range hm {
			switch x := hv.(type) {
			case string:
				resp.Headers[k] = x
			case uint64, int64, float64, bool:
				resp.Headers[k] = fmt.Sprint(x)
			default:
				return fail("respond.headers."+keyName(k), fmt.Errorf("must be a string or a number, got %s", kind(hv)))
			}
		}
	}
	if v, ok := rm["body"]; ok {
		switch x := v.(type) {
		case string:
			resp.Body = []byte(x)
		case nil:
			resp.Body = []byte{}
		default:
			b, err := json.Marshal(plain(x))
			if err != nil {
				return fail("respond.body", fmt.Errorf("cannot be sent as JSON: %w", err))
			}
			resp.Body = b
		}
	}
	if v, ok := rm["delay"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return fail("respond.delay", fmt.Errorf("must be a duration such as \"250ms\" or \"2s\", got %s", kind(v)))
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return fail("respond.delay", fmt.Errorf("%q is not a duration such as \"250ms\" or \"2s\"", s))
		}
		resp.Delay = d
	}
	f, err := str(rm, "fault")
	if err != nil {
		return fail("respond.fault", err)
	}
	resp.Fault = Fault(f)
	d, err := str(rm, "delivery")
	if err != nil {
		return fail("respond.delivery", err)
	}
	resp.Delivery = DeliveryFault(d)
	return r, nil
}

// fields checks that v is a mapping with string keys among allowed (any key
// when allowed is empty) and returns it. With an unknown key, it returns the
// mapping and an *unknownFieldError.
func fields(v any, allowed ...string) (map[string]any, error) {
	var m map[string]any
	switch x := v.(type) {
	case yaml.MapSlice:
		m = make(map[string]any, len(x))
		for _, it := range x {
			k, ok := it.Key.(string)
			if !ok {
				return nil, fmt.Errorf("keys must be strings, got %s", kind(it.Key))
			}
			m[k] = it.Value
		}
	case map[string]any:
		m = x
	default:
		return nil, fmt.Errorf("must be a mapping, got %s", kind(v))
	}
	if len(allowed) > 0 {
		var unknown []string
		for k := range m {
			if !slices.Contains(allowed, k) {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			sort.Strings(unknown)
			return m, &unknownFieldError{key: unknown[0], known: allowed}
		}
	}
	return m, nil
}

// unknownFieldError is a mapping key the format does not have.
type unknownFieldError struct {
	key   string
	known []string
}

func (e *unknownFieldError) Error() string {
	return fmt.Sprintf("unknown field (known: %s)", strings.Join(e.known, ", "))
}

// fieldPath is the field an error of fields is about: the unknown key
// under prefix, or prefix itself.
func fieldPath(prefix string, err error) string {
	var u *unknownFieldError
	if errors.As(err, &u) {
		if prefix == "" {
			return keyName(u.key)
		}
		return prefix + "." + keyName(u.key)
	}
	if prefix == "" {
		return "rule"
	}
	return prefix
}

// keyName is a mapping key as an error names it: as written when it is a
// plain word, else quoted, so that an error stays on one line.
func keyName(k string) string {
	for _, r := range k {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) || r == '"' || r == ':' {
			return strconv.Quote(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

func str(m map[string]any, key string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("must be a string, got %s", kind(v))
	}
	return s, nil
}

func integer(m map[string]any, key string) (int, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, nil
	}
	const max = 1 << 31
	switch x := v.(type) {
	case uint64:
		if x < max {
			return int(x), nil
		}
	case int64:
		if x > -max && x < max {
			return int(x), nil
		}
	case float64:
		if x == float64(int64(x)) && x > -max && x < max {
			return int(x), nil
		}
	default:
		return 0, fmt.Errorf("must be a whole number, got %s", kind(v))
	}
	return 0, fmt.Errorf("%v is out of range", v)
}

// plain turns decoded YAML into values encoding/json can marshal.
func plain(v any) any {
	switch x := v.(type) {
	case yaml.MapSlice:
		m := make(map[string]any, len(x))
		for _, it := range x {
			m[fmt.Sprint(it.Key)] = plain(it.Value)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case uint64, int64, float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case yaml.MapSlice, map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}

// oneLine flattens a YAML error (which may quote the source over several
// lines) to its first line.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
