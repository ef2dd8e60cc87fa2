package logscale

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	gqlerrors "github.com/graph-gophers/graphql-go/errors"
)

// TestWithoutFormatArtifacts checks both ways a message with a Go formatting
// artifact is handled: dropped beside other errors, reworded when alone; and
// that resolver errors, whose text may echo anything, are left alone.
func TestWithoutFormatArtifacts(t *testing.T) {
	t.Parallel()
	artifact := &gqlerrors.QueryError{Message: "Fragment 'F' cannot be spread here as objects of type 'Account' can never be of type %!q(<nil>).",
		Locations: []gqlerrors.Location{{Line: 1, Column: 18}}, Rule: "PossibleFragmentSpreadsRule"}
	unknown := &gqlerrors.QueryError{Message: "Unknown type 'NoSuchType'.", Locations: []gqlerrors.Location{{Line: 1, Column: 41}}}
	resolver := &gqlerrors.QueryError{Message: "Could not find a parser with the name '%!q('.", Path: []any{"addIngestTokenV3"},
		ResolverError: errParserNotFound("%!q(")}
	tests := []struct {
		name string
		in   []*gqlerrors.QueryError
		want []string
	}{
		{"dropped beside the unknown type", []*gqlerrors.QueryError{artifact, unknown}, []string{"Unknown type 'NoSuchType'."}},
		{"reworded when alone", []*gqlerrors.QueryError{artifact}, []string{textValidationFailed}},
		{"resolver errors kept", []*gqlerrors.QueryError{resolver}, []string{resolver.Message}},
		{"nothing to do", []*gqlerrors.QueryError{unknown}, []string{unknown.Message}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, e := range withoutFormatArtifacts(tc.in) {
				got = append(got, e.Message)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
	if artifact.Message == textValidationFailed {
		t.Error("rewording changed the caller's error in place")
	}
}
