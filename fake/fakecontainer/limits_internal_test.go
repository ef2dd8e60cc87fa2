package fakecontainer

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
)

func TestLimitsEnv(t *testing.T) {
	t.Parallel()
	var o options
	for _, opt := range []Option{
		WithLimits(fake.Limits{JournalEntries: 1, JournalBytes: 2, GraphQLResultBytes: 3, Rules: 4, LogScaleTokens: 5}),
		WithLimits(fake.Limits{UnleashPATs: 6, CryptlexPATs: 7, Connections: -1,
			ReadHeaderTimeout: time.Second, IdleTimeout: -time.Nanosecond, Rules: 40}),
	} {
		if err := opt(&o); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"FAKESERVER_JOURNAL_LIMIT": "1", "FAKESERVER_JOURNAL_BYTES": "2", "FAKESERVER_MAX_GRAPHQL_RESULT_BYTES": "3",
		"FAKESERVER_MAX_RULES": "40", "FAKESERVER_MAX_LOGSCALE_TOKENS": "5", "FAKESERVER_MAX_UNLEASH_PATS": "6",
		"FAKESERVER_MAX_CRYPTLEX_PATS": "7", "FAKESERVER_MAX_CONNECTIONS": "-1",
		"FAKESERVER_READ_HEADER_TIMEOUT": "1s", "FAKESERVER_IDLE_TIMEOUT": "-1ns",
	}
	if diff := cmp.Diff(want, o.env()); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if got := (&options{}).env(); len(got) != 0 {
		t.Errorf("env without options = %v, want none", got)
	}
}
