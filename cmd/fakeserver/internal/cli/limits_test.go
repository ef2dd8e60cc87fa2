package cli

import (
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

func TestParseLimitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{name: "zero count", args: []string{"-max-rules", "0"}, wantErr: "want a non-zero integer; negative: no limit"},
		{name: "zero journal", args: []string{"-journal-limit", "0"}, wantErr: `invalid value "0" for flag -journal-limit: want a non-zero integer; negative: no limit`},
		{name: "zero journal variable", env: map[string]string{envvar.JournalLimit: "0"}, wantErr: `invalid FAKESERVER_JOURNAL_LIMIT "0": want a non-zero integer; negative: no limit`},
		{name: "word count", env: map[string]string{envvar.MaxCryptlexPATs: "lots"}, wantErr: `invalid FAKESERVER_MAX_CRYPTLEX_PATS "lots": want a non-zero integer`},
		{name: "bad size", args: []string{"-journal-bytes", "8MB"}, wantErr: "want a non-zero size such as 1048576, 512KiB or 8MiB"},
		{name: "bad duration", env: map[string]string{envvar.IdleTimeout: "soon"}, wantErr: `invalid FAKESERVER_IDLE_TIMEOUT "soon": want a non-zero duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parse(tt.args, func(k string) string { return tt.env[k] })
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parse error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestRefusalsNameTheFlags checks that the refusal of each limit names the
// flag and variable that set it here.
func TestRefusalsNameTheFlags(t *testing.T) {
	t.Parallel()
	fields := map[string]string{
		"journal-bytes": "JournalBytes", "max-graphql-result-bytes": "GraphQLResultBytes", "max-rules": "Rules",
		"max-logscale-tokens": "LogScaleTokens", "max-unleash-pats": "UnleashPATs", "max-cryptlex-pats": "CryptlexPATs",
		"max-connections": "Connections",
	}
	var cfg config
	for _, l := range limitFlags(&cfg) {
		field, ok := fields[l.Flag]
		if !ok {
			continue // a time limit: it is not refused with a message
		}
		msg := (&fake.LimitError{Limit: field, Max: 1}).Error()
		if !strings.Contains(msg, "-"+l.Flag+",") || !strings.Contains(msg, l.Var) {
			t.Errorf("refusal of %s is %q: it does not name -%s and %s", field, msg, l.Flag, l.Var)
		}
	}
	msg := (&fake.LimitError{Limit: "JournalEntries", Max: 1}).Error()
	if !strings.Contains(msg, "-journal-limit,") || !strings.Contains(msg, envvar.JournalLimit) {
		t.Errorf("refusal of JournalEntries is %q", msg)
	}
}
