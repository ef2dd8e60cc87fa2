package api

import (
	"errors"
	"testing"
	"testing/fstest"
)

func TestFixtureError(t *testing.T) {
	t.Parallel()
	const data = `{
  "users": [{"id": "a"}],
  "tokens": [
    {"id": "t0", "views": [1, 2]},
    {"id": "t1",
     "views": [{"x": [3]}, 4]}
  ]
}`
	fsys := fstest.MapFS{"f.json": {Data: []byte(data)}}
	tests := []struct{ err, want string }{
		{"users[0]: duplicate id", "f.json: line 2, column 13: users[0]: duplicate id"},
		{"tokens[1]: unknown view", "f.json: line 5, column 5: tokens[1]: unknown view"},
		{"tokens[1].views[1]: not a view", "f.json: line 6, column 28: tokens[1].views[1]: not a view"},
		{"tokens[0].views[1]: not a view", "f.json: line 4, column 31: tokens[0].views[1]: not a view"},
		{"tokens[2]: no such entry", "f.json: tokens[2]: no such entry"},
		{"tenantId is not a UUID", "f.json: tenantId is not a UUID"},
	}
	for _, tt := range tests {
		got := FixtureError(fsys, "f.json", errors.New(tt.err))
		if got.Error() != tt.want {
			t.Errorf("FixtureError(%q) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if got := FixtureError(fstest.MapFS{}, "f.json", errors.New("users[0]: x")); got.Error() != "f.json: users[0]: x" {
		t.Errorf("without the file: %q", got)
	}
}
