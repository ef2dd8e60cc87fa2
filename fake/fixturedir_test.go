package fake_test

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestFixturesDirRefused(t *testing.T) {
	t.Parallel()
	write := func(t *testing.T, files ...string) string {
		t.Helper()
		dir := t.TempDir()
		for _, name := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(`{}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	missing := filepath.Join(t.TempDir(), "does-not-exist")
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"missing", missing, "fixture directory: open " + missing + ": no such file or directory"},
		{"empty", write(t), "holds none of the fixture files logscale.json, unleash.json, cryptlex.json, cryptlex-signing-key.pem"},
		{"other files only", write(t, "README.md", "notes.txt"), "holds none of the fixture files"},
		{"letter case", write(t, "LogScale.json"), "LogScale.json is not a fixture file name: did you mean logscale.json?"},
		{"misspelt beside a good one", write(t, "unleash.json", "cryptlx.json"), "cryptlx.json is not a fixture file name: did you mean cryptlex.json?"},
		{"a file, not a directory", filepath.Join(write(t, "logscale.json"), "logscale.json"), "fixture directory: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := fake.NewServer(fake.WithFixturesDir(tt.dir))
			if err == nil {
				srv.Close()
				t.Fatalf("NewServer(WithFixturesDir(%s)) succeeded", tt.dir)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
			if _, cerr := fake.CheckFixturesDir(tt.dir); cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("CheckFixturesDir = %v, want the error of NewServer %v", cerr, err)
			}
		})
	}
}

func TestFixturesMisnamedInFS(t *testing.T) {
	t.Parallel()
	_, err := fake.NewServer(fake.WithFixtures(fstest.MapFS{"Unleash.json": {Data: []byte(`{}`)}}))
	if want := "fixtures: Unleash.json is not a fixture file name: did you mean unleash.json?"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	// An empty file system is a data set with no data.
	srv, err := fake.NewServer(fake.WithFixtures(fstest.MapFS{}))
	if err != nil {
		t.Fatalf("empty fixtures: %v", err)
	}
	srv.Close()
}

func TestFixturesLoadedAreLogged(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data, err := fs.ReadFile(fixtures.FS(), "unleash.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "unleash.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if files, err := fake.CheckFixturesDir(dir); err != nil || !cmp.Equal(files, []string{"unleash.json"}) {
		t.Errorf("CheckFixturesDir = %v, %v; want [unleash.json]", files, err)
	}
	for _, tt := range []struct {
		name string
		opts []fake.Option
		want string
	}{
		{"directory", []fake.Option{fake.WithFixturesDir(dir)}, `msg="fixtures loaded" dir=` + dir + ` files=[unleash.json]`},
		{"embedded", nil, `msg="fixtures loaded" dir=embedded files="[cryptlex-signing-key.pem cryptlex.json logscale.json unleash.json]"`},
	} {
		var logs bytes.Buffer
		logger := slog.New(slog.NewTextHandler(&logs, nil))
		srv := fake.Start(t, append(tt.opts, fake.WithLogger(logger))...)
		srv.Close()
		if !strings.Contains(logs.String(), tt.want) {
			t.Errorf("%s: logs %q, want a line with %q", tt.name, logs.String(), tt.want)
		}
	}
}
