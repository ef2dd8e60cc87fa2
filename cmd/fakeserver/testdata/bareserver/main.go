// Command bareserver serves bare.Handler, the baseline of fakeserver's
// side-by-side benchmark, with the answers read from files. Like
// fakeserver, it prints "bareserver listening on URL" once it listens, and
// serves until it is killed.
//
//	bareserver -addr 127.0.0.1:0 -unleash u.json -logscale l.json
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/tokenfake/tokenfake/cmd/fakeserver/internal/bare"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	unleash := flag.String("unleash", "", "file with the body of the Unleash answer")
	unleashType := flag.String("unleash-type", "application/json; charset=utf-8", "its content type")
	logscale := flag.String("logscale", "", "file with the body of the LogScale answer")
	logscaleType := flag.String("logscale-type", "application/json", "its content type")
	flag.Parse()
	if err := run(*addr, bare.Answer{ContentType: *unleashType}, *unleash, bare.Answer{ContentType: *logscaleType}, *logscale); err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
}

func run(addr string, u bare.Answer, uFile string, l bare.Answer, lFile string) error {
	var err error
	if u.Body, err = os.ReadFile(uFile); err != nil {
		return err
	}
	if l.Body, err = os.ReadFile(lFile); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("bareserver listening on http://%s\n", ln.Addr())
	return http.Serve(ln, bare.Handler(bare.Answers{Unleash: u, LogScale: l}))
}
