package fake

import (
	"fmt"
	"strings"
)

// apiName normalizes the name of an API in a Match or a Filter: letter case
// does not matter, "" and "any" stand for every API (returned as ""), and
// any other name is an error.
func apiName(name string) (string, error) {
	switch n := strings.ToLower(name); n {
	case "", APIAny:
		return "", nil
	case APILogScale, APIUnleash, APICryptlex:
		return n, nil
	}
	return "", fmt.Errorf("unknown API %q (want logscale, unleash, cryptlex or any)", name)
}

// Validate reports whether f can select requests: its API is one of the
// three (in any letter case) or "any", its Method a valid HTTP method and
// its Path a valid path pattern (see Match). Requests and Count refuse an
// invalid Filter.
func (f Filter) Validate() error {
	_, err := compileFilter(f)
	return err
}

// refuseFilter reports an invalid filter given to Requests or Count: it
// fails the test of a server made by Start, and is logged at Error level
// on the server's logger otherwise.
func (s *Server) refuseFilter(method string, f Filter, err error) {
	msg := fmt.Sprintf("fake server: %s(%+v): %v", method, f, err)
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Error(msg)
		return
	}
	s.cfg.logger.Error(msg)
}
