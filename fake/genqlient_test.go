package fake_test

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/tokenfake/tokenfake/fake"
)

// TestGenqlientConfigBindsEveryScalar checks that the genqlient
// configuration of the documentation binds every custom scalar of the
// schema, and nothing else.
func TestGenqlientConfigBindsEveryScalar(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../docs/genqlient.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Schema     string   `yaml:"schema"`
		Operations []string `yaml:"operations"`
		Generated  string   `yaml:"generated"`
		Package    string   `yaml:"package"`
		Bindings   map[string]struct {
			Type string `yaml:"type"`
		} `yaml:"bindings"`
	}
	if err := yaml.UnmarshalWithOptions(data, &cfg, yaml.Strict()); err != nil {
		t.Fatalf("docs/genqlient.yaml: %v", err)
	}
	if cfg.Schema == "" || len(cfg.Operations) == 0 || cfg.Generated == "" || cfg.Package == "" {
		t.Errorf("docs/genqlient.yaml lacks one of schema, operations, generated, package: %+v", cfg)
	}
	var scalars []string
	for _, m := range regexp.MustCompile(`(?m)^scalar (\w+)`).FindAllStringSubmatch(fake.LogScaleSchema(), -1) {
		scalars = append(scalars, m[1])
	}
	var bound []string
	for name, b := range cfg.Bindings {
		bound = append(bound, name)
		if b.Type == "" {
			t.Errorf("binding %s has no type", name)
		}
	}
	slices.Sort(scalars)
	slices.Sort(bound)
	if len(scalars) == 0 || !slices.Equal(scalars, bound) {
		t.Errorf("bindings %v, want the schema's custom scalars %v", bound, scalars)
	}
}
