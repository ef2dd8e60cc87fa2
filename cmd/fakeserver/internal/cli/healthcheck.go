package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

// healthcheck probes a running server's health endpoint: ExitOK if it
// answers 200, ExitFailure otherwise.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakeserver healthcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := DefaultAddr
	if v := getenv(envvar.Addr); v != "" {
		addr = v
	}
	fs.StringVar(&addr, "addr", addr, "the server's `HOST:PORT`")
	timeout := fs.Duration("timeout", 2*time.Second, "give up after `DURATION`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "Usage: fakeserver healthcheck [-addr HOST:PORT] [-timeout DURATION]")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return ExitOK
		}
		fmt.Fprintf(stderr, "fakeserver healthcheck: %s\n", oneLine(err))
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fakeserver healthcheck: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	target, err := probeAddr(addr)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver healthcheck: invalid address %q: %v\n", addr, err)
		return ExitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + target + fake.HealthPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver healthcheck: %v\n", err)
		return ExitUsage
	}
	if token := getenv(envvar.AdminToken); token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "fakeserver healthcheck: %s\n", oneLine(err))
		return ExitFailure
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "fakeserver healthcheck: GET %s: %s\n", url, resp.Status)
		return ExitFailure
	}
	fmt.Fprintf(stdout, "healthy: GET %s: %s\n", url, resp.Status)
	return ExitOK
}

// probeAddr turns a listen address into one to connect to: an unspecified
// host (empty, 0.0.0.0 or ::) becomes 127.0.0.1.
func probeAddr(addr string) (string, error) {
	if err := checkAddr(addr); err != nil {
		return "", err
	}
	host, port, _ := net.SplitHostPort(addr)
	if port == "0" {
		return "", errors.New("port 0 names no server")
	}
	if host == "" || unspecified(host) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}
