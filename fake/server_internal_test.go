package fake

import (
	"slices"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// TestVendorsNamedAsRulesName checks that every vendor the server holds
// goes by one of the API names rules and filters accept, that its
// requests have operations exactly when it is LogScale's (the only API
// rules may match by operation), and that it owns the paths its
// Prefixes list.
func TestVendorsNamedAsRulesName(t *testing.T) {
	t.Parallel()
	s, err := newServer(newConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range s.vendors {
		names = append(names, v.Name())
		if _, ok := v.(api.Operator); ok != (v.Name() == APILogScale) {
			t.Errorf("%s: implements api.Operator = %v", v.Name(), ok)
		}
		for _, p := range v.Prefixes() {
			if got := s.vendorOf(p); got != v {
				t.Errorf("%s: path %s belongs to %v", v.Name(), p, got)
			}
		}
	}
	if want := []string{APILogScale, APIUnleash, APICryptlex}; !slices.Equal(names, want) {
		t.Errorf("vendors %v, want %v", names, want)
	}
}
