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
	"syscall"

	"github.com/tokenfake/tokenfake/cmd/fakeserver/internal/cli"
)

// version is the build's version, set with -ldflags "-X main.version=...".
// When empty, the module version recorded in the binary is reported.
var version string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal stops the process at once
	}()
	os.Exit(cli.Main(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, version))
}
