package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// errFound stops the walk of locateUnknownField once it has found the field.
var errFound = errors.New("found")

// unknownField is where a JSON document holds a member that its Go type
// has no field for.
type unknownField struct {
	path   string   // such as tokens[3].expiresAt
	offset int64    // of the member's name
	known  []string // the names the object takes
}

// locateUnknownField walks data along the type of v and reports the first
// object member that encoding/json's DisallowUnknownFields would refuse.
// It reports false when it finds none (or data is not valid JSON).
func locateUnknownField(data []byte, v any) (unknownField, bool) {
	t := reflect.TypeOf(v)
	if t == nil {
		return unknownField{}, false
	}
	w := fieldWalker{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	w.dec.UseNumber()
	if err := w.value(t, ""); errors.Is(err, errFound) {
		return w.found, true
	}
	return unknownField{}, false
}

type fieldWalker struct {
	dec   *json.Decoder
	data  []byte
	found unknownField
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value reads one JSON value that decodes into t.
func (w *fieldWalker) value(t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		if custom(t) {
			return w.skip()
		}
		t = t.Elem()
	}
	if custom(t) || custom(reflect.PointerTo(t)) {
		return w.skip()
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar, or null
	}
	switch {
	case d == '{' && t.Kind() == reflect.Struct:
		return w.object(t, path)
	case d == '{' && t.Kind() == reflect.Map:
		for w.dec.More() {
			key, err := w.dec.Token()
			if err != nil {
				return err
			}
			if err := w.value(t.Elem(), fmt.Sprintf("%s[%q]", path, key)); err != nil {
				return err
			}
		}
	case d == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for i := 0; w.dec.More(); i++ {
			if err := w.value(t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	default:
		return w.rest(d)
	}
	_, err = w.dec.Token() // the closing delimiter
	return err
}

// object reads the members of an object that decodes into the struct t.
func (w *fieldWalker) object(t reflect.Type, path string) error {
	fields := jsonFields(t)
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		ft, ok := fields[key]
		if !ok {
			for name, typ := range fields {
				if strings.EqualFold(name, key) {
					ft, ok = typ, true
					break
				}
			}
		}
		member := key
		if path != "" {
			member = path + "." + key
		}
		if !ok {
			end := w.dec.InputOffset()
			start := int64(bytes.LastIndexByte(w.data[:end-1], '"'))
			w.found = unknownField{path: member, offset: start, known: fieldNames(t)}
			return errFound
		}
		if err := w.value(ft, member); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// skip reads one whole JSON value.
func (w *fieldWalker) skip() error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); ok {
		return w.rest(d)
	}
	return nil
}

// rest reads the remainder of the array or object opened by d.
func (w *fieldWalker) rest(d json.Delim) error {
	if d != '{' && d != '[' {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func custom(t reflect.Type) bool {
	return t.Implements(jsonUnmarshaler) || t.Implements(textUnmarshaler)
}

// jsonFields maps the JSON names of the struct t's fields, those of
// embedded structs included, to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if name, ok := jsonName(f); ok {
			fields[name] = f.Type
		}
	}
	return fields
}

// fieldNames lists the JSON names of the struct t's fields in order.
func fieldNames(t reflect.Type) []string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		if name, ok := jsonName(f); ok {
			names = append(names, name)
		}
	}
	return names
}

func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
		return "", false // its fields are promoted
	}
	if name == "" {
		name = f.Name
	}
	return name, true
}

// describeUnknownField words the error of an unknown member with its line,
// column and path, or returns err unchanged when it cannot find it.
func describeUnknownField(data []byte, v any, err error) error {
	if !strings.HasPrefix(err.Error(), "json: unknown field ") {
		return err
	}
	f, ok := locateUnknownField(data, v)
	if !ok {
		return err
	}
	line, col := lineColumn(data, f.offset+1)
	return fmt.Errorf("line %d, column %d: %s: unknown field (known: %s)", line, col, f.path, strings.Join(f.known, ", "))
}

// lineColumn gives the line and column of the byte before offset.
func lineColumn(data []byte, offset int64) (int, int) {
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := max(int(offset)-bytes.LastIndexByte(before, '\n')-1, 1)
	return line, col
}
