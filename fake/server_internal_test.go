package fake

import (
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/mux"

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
			if got := s.route(p); got != v {
				t.Errorf("%s: path %s belongs to %v", v.Name(), p, got)
			}
		}
	}
	if want := []string{APILogScale, APIUnleash, APICryptlex}; !slices.Equal(names, want) {
		t.Errorf("vendors %v, want %v", names, want)
	}
}

// TestVendorRoutesWithinPrefixes checks that every route a vendor registers
// serves only paths within the vendor's prefixes, as the server matches a
// request against the routes of the vendor that owns its path only.
func TestVendorRoutesWithinPrefixes(t *testing.T) {
	t.Parallel()
	s, err := newServer(newConfig(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range s.vendors {
		r := v.Router()
		n := 0
		err := r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
			tpl, err := route.GetPathTemplate()
			if err != nil {
				t.Errorf("%s: a route without a path: %v", v.Name(), err)
				return nil
			}
			n++
			// The fixed part of the template, up to its first variable.
			fixed, _, _ := strings.Cut(tpl, "{")
			if !slices.ContainsFunc(v.Prefixes(), func(p string) bool { return api.Owns(p, fixed) }) {
				t.Errorf("%s: route %s is outside its prefixes %v", v.Name(), tpl, v.Prefixes())
			}
			if got := s.route(fixed); got != v {
				t.Errorf("%s: route %s is on a path of %v", v.Name(), tpl, got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("%s: no routes", v.Name())
		}
	}
}
