package cli

import (
	"strings"
	"testing"
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
		{name: "word count", env: map[string]string{EnvMaxCryptlexPATs: "lots"}, wantErr: `invalid FAKESERVER_MAX_CRYPTLEX_PATS "lots": want a non-zero integer`},
		{name: "bad size", args: []string{"-journal-bytes", "8MB"}, wantErr: "want a non-zero size such as 1048576, 512KiB or 8MiB"},
		{name: "bad duration", env: map[string]string{EnvIdleTimeout: "soon"}, wantErr: `invalid FAKESERVER_IDLE_TIMEOUT "soon": want a non-zero duration`},
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
