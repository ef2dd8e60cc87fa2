package api_test

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fixtures"
)

type sample struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Items []item  `json:"items"`
	Meta  *nested `json:"meta"`
}

type item struct {
	ID   string            `json:"id"`
	Tags map[string]nested `json:"tags"`
}

type nested struct {
	Note string `json:"note"`
}

func TestReadFixture(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      string // "" for no file
		wantFound bool
		want      sample
		wantErr   string
	}{
		{name: "missing file", wantFound: false},
		{name: "valid", data: `{"name": "a", "count": 2}`, wantFound: true, want: sample{Name: "a", Count: 2}},
		{name: "unknown field", data: `{"name": "a", "cuont": 2}`,
			wantErr: `x.json: line 1, column 15: cuont: unknown field (known: name, count, items, meta)`},
		{name: "unknown field in an entry", data: "{\"items\": [\n {\"id\": \"a\"},\n {\"id\": \"b\", \"expiresAt\": 1}]}",
			wantErr: `x.json: line 3, column 14: items[1].expiresAt: unknown field (known: id, tags)`},
		{name: "unknown field in a map value", data: `{"items": [{"tags": {"k": {"nite": "x"}}}]}`,
			wantErr: `x.json: line 1, column 28: items[0].tags["k"].nite: unknown field (known: note)`},
		{name: "unknown field behind a pointer", data: `{"meta": {"note": "x", "more": {"a": [1]}}}`,
			wantErr: `x.json: line 1, column 24: meta.more: unknown field (known: note)`},
		{name: "field names match case-insensitively", data: `{"NAME": "a", "Meta": {"x": 1}}`,
			wantErr: `x.json: line 1, column 24: Meta.x: unknown field (known: note)`},
		{name: "syntax", data: "{\n  \"name\": \"a\",,\n}", wantErr: "x.json: line 2, column 15: invalid character ','"},
		{name: "type", data: "{\n\"count\": \"two\"}", wantErr: "x.json: line 2, column 14: json: cannot unmarshal string"},
		{name: "truncated", data: `{"name": "a"`, wantErr: "x.json: line 1, column 12: unexpected end of JSON input"},
		{name: "trailing data", data: `{"name": "a"} {}`, wantErr: "x.json: unexpected data after the top-level object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{}
			if tt.data != "" {
				fsys["x.json"] = &fstest.MapFile{Data: []byte(tt.data)}
			}
			var got sample
			found, err := api.ReadFixture(fsys, "x.json", &got)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one starting %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || found != tt.wantFound || !cmp.Equal(got, tt.want) {
				t.Errorf("ReadFixture = %v, %v, %+v; want %v, nil, %+v", found, err, got, tt.wantFound, tt.want)
			}
		})
	}
}

func TestIsDefaultFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fs.FS
		want bool
	}{
		{"the embedded fixtures", fixtures.FS(), true},
		{"a map", fstest.MapFS{"logscale.json": {Data: []byte("{}")}}, false},
		{"a directory", os.DirFS("."), false},
		{"none", nil, false},
	}
	for _, tt := range tests {
		if got := api.IsDefaultFixtures(tt.fsys); got != tt.want {
			t.Errorf("%s: IsDefaultFixtures = %v, want %v", tt.name, got, tt.want)
		}
	}
}
