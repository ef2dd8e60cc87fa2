// Command fakeserver serves tokenfake's in-memory fake of the LogScale,
// Unleash and Cryptlex access-token APIs on one HTTP address, for clients
// written in any language. Run "fakeserver -h" for its flags.
//
// The version it reports can be set at build time:
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/fakeserver
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/tokenfake/tokenfake/cmd/fakeserver/internal/cli"
)

// gcPercent is the garbage collector's target (GOGC) of fakeserver unless
// the environment sets GOGC. Its live heap is small and bounded by its
// limits, and at Go's default of 100 it collects every few hundred GraphQL
// requests, which costs about a sixth of their CPU time; at 400 the heap
// may grow to five times the live heap instead of twice it.
const gcPercent = 400

// version is the build's version, set with -ldflags "-X main.version=...".
// When empty, the module version recorded in the binary is reported.
var version string

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal stops the process at once
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, version))
}
