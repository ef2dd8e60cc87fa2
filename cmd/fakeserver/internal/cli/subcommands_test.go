package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/cmd/fakeserver/internal/cli"
	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr, "test")
	return code, stdout.String(), stderr.String()
}

func TestCredentialsCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := runMain(t, nil, "credentials")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"LogScale\n  personal token \"Personal token\" of admin\n    Authorization: Bearer " + fixtures.LogScaleToken + "\n",
		"Unleash\n  personal access token \"tokenfake default token\" of admin\n    Authorization: " + fixtures.UnleashToken + "\n",
		"    Authorization: " + fixtures.UnleashAdminToken + "\n",
		"  personal access token \"automation (all scopes)\" of admin@example.com\n    Authorization: Bearer " + fixtures.CryptlexToken + "\n",
		"(without personalAccessToken:write)\n    Authorization: Bearer " + fixtures.CryptlexLimitedToken + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("credentials output lacks %q", want)
		}
	}

	code, out, errOut = runMain(t, nil, "credentials", "-json")
	var creds []fake.Credential
	if code != cli.ExitOK || json.Unmarshal([]byte(out), &creds) != nil || len(creds) < 10 {
		t.Errorf("credentials -json: exit %d, %d credentials, stderr %q", code, len(creds), errOut)
	}

	code, _, errOut = runMain(t, nil, "credentials", "-fixtures", t.TempDir())
	if code != cli.ExitUsage || !strings.Contains(errOut, "holds none of the fixture files") {
		t.Errorf("credentials on an empty directory: exit %d, stderr %q; want 2 naming the files", code, errOut)
	}
}

func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	code, out, errOut := runMain(t, nil, "schema")
	if code != cli.ExitOK || out != fake.LogScaleSchema() {
		t.Errorf("schema: exit %d, stderr %q, %d bytes; want the %d bytes of fake.LogScaleSchema", code, errOut, len(out), len(fake.LogScaleSchema()))
	}
	if !strings.Contains(out, "scalar Long") || !strings.Contains(out, "type Query") {
		t.Errorf("schema output is not the LogScale SDL: %.200s", out)
	}
}

func TestTokenCommand(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	addr := strings.TrimPrefix(srv.URL(), "http://")
	code, out, errOut := runMain(t, map[string]string{envvar.Addr: addr},
		"token", "cryptlex", "-user", "jane.doe@example.com", "-scopes", "license:read, product:read", "-expires", "2030-02-01T00:00:00Z")
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/v3/personal-access-tokens", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("the printed token: status %d, want 200", res.StatusCode)
	}

	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"token"}, cli.ExitUsage, `want "cryptlex"`},
		{[]string{"token", "cryptlex", "-addr", addr, "-user", "nobody", "-scopes", "all"}, cli.ExitFailure, `400 Bad Request: no Cryptlex user "nobody"`},
		{[]string{"token", "cryptlex", "-addr", addr, "-user", "jane.doe@example.com", "-scopes", "license:read", "-expires", "soon"}, cli.ExitUsage, "-expires"},
	}
	for _, tt := range tests {
		code, _, errOut := runMain(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}
