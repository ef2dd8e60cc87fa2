package logscale_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tokenfake/tokenfake/fake/internal/logscale"
)

// loadFacts reads the signatures of the real schema from testdata: the
// 1.204.0 facts with the newer definitions of the documentation laid over them.
func loadFacts(t *testing.T) map[string]*ast.Definition {
	t.Helper()
	facts := map[string]*ast.Definition{}
	for _, name := range []string{"schema-1.204.0-facts.graphql", "seed-000-facts.graphql"} {
		path := filepath.Join("..", "..", "..", "testdata", "logscale", name)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("read facts: %v", err)
		}
		doc, err := parser.ParseSchema(&ast.Source{Name: name, Input: string(src)})
		if err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		for _, d := range doc.Definitions {
			facts[d.Name] = d
		}
		for _, ext := range doc.Extensions {
			base := facts[ext.Name]
			if base == nil {
				t.Fatalf("%s extends unknown type %s", name, ext.Name)
			}
			merged := *base
			merged.Fields = slices.Clone(base.Fields)
			for _, f := range ext.Fields {
				if i := slices.IndexFunc(merged.Fields, func(g *ast.FieldDefinition) bool { return g.Name == f.Name }); i >= 0 {
					merged.Fields[i] = f
				} else {
					merged.Fields = append(merged.Fields, f)
				}
			}
			facts[ext.Name] = &merged
		}
	}
	return facts
}

// TestSchemaIsSubsetOfLogScale checks that every type, field, argument and
// enum value the fake serves exists in LogScale's schema with the same type,
// and that input types and enums are complete, so that what a generated
// client sends is understood.
func TestSchemaIsSubsetOfLogScale(t *testing.T) {
	t.Parallel()
	facts := loadFacts(t)
	ours, err := parser.ParseSchema(&ast.Source{Name: "schema.graphql", Input: logscale.Schema()})
	if err != nil {
		t.Fatalf("parse embedded schema: %v", err)
	}
	if len(ours.Definitions) < 40 {
		t.Fatalf("embedded schema has only %d definitions", len(ours.Definitions))
	}
	for _, d := range ours.Definitions {
		f := facts[d.Name]
		if f == nil {
			t.Errorf("type %s is not in LogScale's schema", d.Name)
			continue
		}
		if d.Kind != f.Kind {
			t.Errorf("type %s is %s, LogScale's is %s", d.Name, d.Kind, f.Kind)
			continue
		}
		for _, iface := range d.Interfaces {
			if !slices.Contains(f.Interfaces, iface) {
				t.Errorf("type %s implements %s, LogScale's does not", d.Name, iface)
			}
		}
		switch d.Kind {
		case ast.Object, ast.Interface:
			for _, field := range d.Fields {
				ff := f.Fields.ForName(field.Name)
				if ff == nil {
					t.Errorf("field %s.%s is not in LogScale's schema", d.Name, field.Name)
					continue
				}
				if field.Type.String() != ff.Type.String() {
					t.Errorf("field %s.%s has type %s, LogScale's has %s", d.Name, field.Name, field.Type, ff.Type)
				}
				for _, arg := range field.Arguments {
					fa := ff.Arguments.ForName(arg.Name)
					if fa == nil {
						t.Errorf("argument %s.%s(%s) is not in LogScale's schema", d.Name, field.Name, arg.Name)
						continue
					}
					if arg.Type.String() != fa.Type.String() {
						t.Errorf("argument %s.%s(%s) has type %s, LogScale's has %s", d.Name, field.Name, arg.Name, arg.Type, fa.Type)
					}
				}
				for _, fa := range ff.Arguments {
					if fa.Type.NonNull && field.Arguments.ForName(fa.Name) == nil {
						t.Errorf("required argument %s.%s(%s) is missing", d.Name, field.Name, fa.Name)
					}
				}
			}
		case ast.InputObject:
			for _, field := range d.Fields {
				ff := f.Fields.ForName(field.Name)
				if ff == nil {
					t.Errorf("input field %s.%s is not in LogScale's schema", d.Name, field.Name)
				} else if field.Type.String() != ff.Type.String() {
					t.Errorf("input field %s.%s has type %s, LogScale's has %s", d.Name, field.Name, field.Type, ff.Type)
				}
			}
			for _, ff := range f.Fields {
				if d.Fields.ForName(ff.Name) == nil {
					t.Errorf("input field %s.%s of LogScale's schema is missing", d.Name, ff.Name)
				}
			}
		case ast.Enum:
			var got, want []string
			for _, v := range d.EnumValues {
				got = append(got, v.Name)
			}
			for _, v := range f.EnumValues {
				want = append(want, v.Name)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("enum %s has values %v, LogScale's has %v", d.Name, got, want)
			}
		}
	}
}
