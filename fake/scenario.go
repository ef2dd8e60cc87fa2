package fake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/tokenfake/tokenfake/scenarios"
)

// Scenario is a named list of rules, as read from a scenario file:
//
//	name: throttled-token-creation
//	description: the first two view-token creations are throttled
//	rules:
//	  - name: throttle                      # optional
//	    match: {api: logscale, operation: createViewPermissionsTokenV2}
//	    after: 0                            # optional
//	    times: 2                            # optional: every call
//	    respond:
//	      status: 429
//	      headers: {Retry-After: "2"}
//	      # body: ...   delay: 250ms   fault: reset | close | malformed
//	  - match: {api: cryptlex, webhook: personalAccessToken.created}
//	    respond: {delivery: duplicate}      # drop | bad-signature | reorder; delay: 2s
//
// The fields are those of Rule, Match and Response, in lower case. JSON is
// accepted too. A body may be a string or YAML/JSON data (sent as JSON); a
// delay is a Go duration such as "250ms" or "2s"; header values may be
// numbers.
type Scenario struct {
	// Name identifies the scenario; unnamed rules are named after it, such
	// as "throttled-token-creation[0]".
	Name string
	// Description says what the scenario does.
	Description string
	// Rules are the scenario's rules, each with a Name.
	Rules []Rule
}

// BuiltinScenarios returns the scenarios of package scenarios, by name.
func BuiltinScenarios() []Scenario {
	names, _ := fs.Glob(scenarios.FS(), "*.yaml")
	out := make([]Scenario, 0, len(names))
	for _, n := range names {
		sc, err := builtinScenario(strings.TrimSuffix(n, ".yaml"))
		if err != nil {
			panic(err) // the tests of package fake parse every built-in
		}
		out = append(out, sc)
	}
	return out
}

func builtinScenario(name string) (Scenario, error) {
	file := name + ".yaml"
	data, err := fs.ReadFile(scenarios.FS(), file)
	if err != nil {
		return Scenario{}, err
	}
	return ParseScenario("scenarios/"+file, data)
}

func builtinNames() []string {
	names, _ := fs.Glob(scenarios.FS(), "*.yaml")
	for i, n := range names {
		names[i] = strings.TrimSuffix(n, ".yaml")
	}
	return names
}

// findScenario loads the built-in scenario nameOrFile or else the scenario
// file of that path.
func findScenario(nameOrFile string) (Scenario, error) {
	if nameOrFile != "" && !strings.ContainsAny(nameOrFile, `/\`) && !strings.HasPrefix(nameOrFile, ".") {
		if sc, err := builtinScenario(nameOrFile); err == nil {
			return sc, nil
		}
	}
	data, err := os.ReadFile(nameOrFile)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && path.Ext(nameOrFile) == "" && !strings.ContainsAny(nameOrFile, `/\`) {
			return Scenario{}, fmt.Errorf("unknown scenario %q: no built-in scenario (%s) nor file of that name",
				nameOrFile, strings.Join(builtinNames(), ", "))
		}
		return Scenario{}, fmt.Errorf("read scenario: %w", err)
	}
	return ParseScenario(nameOrFile, data)
}

// ParseScenario reads a scenario file's contents (YAML or JSON). source
// names the file in errors. Every problem is an error naming source, the
// rule (its index and name) and the field, such as
//
//	scenario my.yaml: rules[1] ("throttle"): respond.status: 700 is not an HTTP status (100 to 599)
//
// Unknown fields are errors. Rules without a name are named after the
// scenario and their index.
func ParseScenario(source string, data []byte) (Scenario, error) {
	sc, err := parseScenario(data)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario %s: %w", source, err)
	}
	return sc, nil
}

// LoadScenario adds the rules of a built-in scenario (by name, see package
// scenarios) or of a scenario file (YAML or JSON, by path) after those
// already loaded. Loading a scenario whose name is already loaded replaces
// its rules, in their place, with their counts back at zero.
func (s *Server) LoadScenario(nameOrFile string) error {
	sc, err := findScenario(nameOrFile)
	if err != nil {
		return err
	}
	return s.addScenario(sc)
}

// LoadScenarioData adds the rules of a scenario file's contents (YAML or
// JSON) after those already loaded, or in the place of those of a scenario
// of the same name, as LoadScenario does.
func (s *Server) LoadScenarioData(data []byte) error {
	sc, err := ParseScenario("data", data)
	if err != nil {
		return err
	}
	return s.addScenario(sc)
}

func (s *Server) addScenario(sc Scenario) error {
	compiled := make([]*rule, 0, len(sc.Rules))
	for i, r := range sc.Rules {
		c, err := compileRule(r, sc.Name, i)
		if err != nil {
			return fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		compiled = append(compiled, c)
	}
	if err := s.script.replace(sc.Name, compiled); err != nil {
		return fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	return nil
}
