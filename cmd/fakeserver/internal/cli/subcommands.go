package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// subcommands are the commands other than serving, by their first argument.
var subcommands = map[string]func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int{
	"healthcheck": healthcheck,
	"credentials": credentials,
	"schema":      schema,
	"token":       token,
}

// newSubFlags returns the flag set of a subcommand; its usage line is
// printed by -h.
func newSubFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("fakeserver "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseSub parses a subcommand's arguments; it returns false with the exit
// status when the command is done (help, or a usage error).
func parseSub(fs *flag.FlagSet, usageLine string, args []string, stdout, stderr io.Writer) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "Usage: "+usageLine)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return ExitOK, false
		}
		fmt.Fprintf(stderr, "%s: %s\n", fs.Name(), oneLine(err))
		return ExitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return ExitUsage, false
	}
	return 0, true
}

// credentials prints every credential of the fixtures.
func credentials(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := newSubFlags("credentials")
	dir := fs.String("fixtures", getenv(envvar.Fixtures), "the data set in `DIR` instead of the embedded defaults ("+envvar.Fixtures+")")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if code, ok := parseSub(fs, "fakeserver credentials [-fixtures DIR] [-json]", args, stdout, stderr); !ok {
		return code
	}
	opts := []fake.Option{fake.WithAddr("127.0.0.1:0")}
	if *dir != "" {
		opts = append(opts, fake.WithFixturesDir(*dir))
	}
	srv, err := fake.NewServer(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver credentials: %s\n", oneLine(err))
		return ExitUsage
	}
	creds := srv.Credentials()
	srv.Close()
	if *asJSON {
		out, _ := json.MarshalIndent(creds, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return ExitOK
	}
	api := ""
	for _, c := range creds {
		if c.API != api {
			api = c.API
			fmt.Fprintln(stdout, c.Title)
		}
		line := c.Kind
		if c.Name != "" {
			line += fmt.Sprintf(" %q", c.Name)
		}
		if c.User != "" {
			line += " of " + c.User
		}
		if c.Note != "" {
			line += " (" + c.Note + ")"
		}
		fmt.Fprintf(stdout, "  %s\n    Authorization: %s\n", line, c.Authorization)
	}
	return ExitOK
}

// schema prints the LogScale schema.
func schema(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) int {
	fs := newSubFlags("schema")
	if code, ok := parseSub(fs, "fakeserver schema > schema.graphql", args, stdout, stderr); !ok {
		return code
	}
	fmt.Fprint(stdout, fake.LogScaleSchema())
	return ExitOK
}

// token asks a running server for a Cryptlex token.
func token(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	const usageLine = "fakeserver token cryptlex -user EMAIL|ID -scopes SCOPE,... [-expires RFC3339] [-addr HOST:PORT]"
	if len(args) == 0 || args[0] != "cryptlex" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintln(stdout, "Usage: "+usageLine)
			return ExitOK
		}
		fmt.Fprintln(stderr, "fakeserver token: want \"cryptlex\" (usage: "+usageLine+")")
		return ExitUsage
	}
	fs := newSubFlags("token cryptlex")
	addr := DefaultAddr
	if v := getenv(envvar.Addr); v != "" {
		addr = v
	}
	fs.StringVar(&addr, "addr", addr, "the running server's `HOST:PORT` ("+envvar.Addr+")")
	user := fs.String("user", "", "the fixture user's `EMAIL or ID`")
	scopes := fs.String("scopes", "", "comma-separated `SCOPES`, or \"all\" for every scope")
	expires := fs.String("expires", "", "the token's expiry, `RFC3339` (default: none)")
	if code, ok := parseSub(fs, usageLine, args[1:], stdout, stderr); !ok {
		return code
	}
	req := map[string]any{"user": *user, "scopes": splitScopes(*scopes)}
	if *expires != "" {
		t, err := time.Parse(time.RFC3339, *expires)
		if err != nil {
			fmt.Fprintf(stderr, "fakeserver token cryptlex: -expires %q is not an RFC 3339 time such as 2030-01-01T00:00:00Z\n", *expires)
			return ExitUsage
		}
		req["expiresAt"] = t
	}
	target, err := probeAddr(addr)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver token cryptlex: invalid address %q: %v\n", addr, err)
		return ExitUsage
	}
	body, _ := json.Marshal(req)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+target+"/_fake/cryptlex/tokens", bytes.NewReader(body))
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver token cryptlex: %v\n", err)
		return ExitUsage
	}
	hreq.Header.Set("Content-Type", "application/json")
	if t := getenv(envvar.AdminToken); t != "" {
		hreq.Header.Set("Authorization", "Bearer "+t)
	}
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver token cryptlex: %s (is fakeserver running on %s?)\n", oneLine(err), target)
		return ExitFailure
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"accessToken"`
		Error       string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		fmt.Fprintf(stderr, "fakeserver token cryptlex: %s: %s\n", resp.Status, cmp.Or(out.Error, "not a fakeserver answer"))
		return ExitFailure
	}
	fmt.Fprintln(stdout, out.AccessToken)
	return ExitOK
}

func splitScopes(s string) []string {
	if strings.TrimSpace(s) == "all" {
		return fake.CryptlexScopes()
	}
	return splitList(s)
}
