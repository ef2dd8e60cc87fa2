package fake

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

// incoming is what the script engine knows of a request, or of a webhook
// delivery (webhook set to its event).
type incoming struct {
	api     string
	method  string
	path    string
	ops     []string
	webhook string
}

// script is the server's ordered list of rules.
type script struct {
	mu    sync.Mutex
	max   int // Limits.Rules; 0 or less: none
	rules []*rule
}

// pick returns the rule that answers c, if any, and counts the call.
func (s *script) pick(c *incoming) (*rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rules {
		if !r.matches(c) {
			continue
		}
		n := r.seen
		r.seen++
		if n < r.After || (r.Times > 0 && n >= r.After+r.Times) {
			continue
		}
		r.answered++
		return r, true
	}
	return nil, false
}

// add appends rs, naming each unnamed rule after its position. If that
// would take the script past its limit, it adds none and returns a
// *LimitError.
func (s *script) add(rs []*rule) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.max > 0 && len(s.rules)+len(rs) > s.max {
		return &LimitError{Limit: "Rules", Max: s.max}
	}
	for _, r := range rs {
		if r.Name == "" {
			r.Name = fmt.Sprintf("script[%d]", len(s.rules))
		}
		s.rules = append(s.rules, r)
	}
	return nil
}

// replace puts rs, the rules of the scenario named scenario, in the place
// of the rules of an earlier load of that scenario, or after every rule if
// it is not loaded: loading a scenario twice keeps one copy of its rules,
// with their counts back at zero. If that would take the script past its
// limit, it changes nothing and returns a *LimitError.
func (s *script) replace(scenario string, rs []*rule) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	at := -1
	kept := s.rules[:0:0]
	for _, r := range s.rules {
		if r.scenario == scenario {
			if at < 0 {
				at = len(kept)
			}
			continue
		}
		kept = append(kept, r)
	}
	if s.max > 0 && len(kept)+len(rs) > s.max {
		return &LimitError{Limit: "Rules", Max: s.max}
	}
	if at < 0 {
		at = len(kept)
	}
	s.rules = slices.Concat(kept[:at], rs, kept[at:])
	return nil
}

func (s *script) clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// unused reports the rules with Times that have not answered all their calls.
func (s *script) unused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.rules {
		if r.Times > 0 && r.answered < r.Times {
			out = append(out, fmt.Sprintf("rule %q answered %d of its %d calls (%d matching calls reached it)",
				r.Name, r.answered, r.Times, r.seen))
		}
	}
	return out
}

// ruleStatus is a loaded rule as the admin API reports it.
type ruleStatus struct {
	Name     string `json:"name"`
	Scenario string `json:"scenario"` // "" for a rule added by Script
	Times    int    `json:"times"`    // 0: every call
	After    int    `json:"after"`
	Seen     int    `json:"seen"`
	Answered int    `json:"answered"`
}

func (s *script) status() []ruleStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ruleStatus, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, ruleStatus{Name: r.Name, Scenario: r.scenario, Times: r.Times, After: r.After, Seen: r.seen, Answered: r.answered})
	}
	return out
}

// Script adds rules after those already loaded. A rule without a Name is
// named "script[N]", N its position among all loaded rules. If any rule is
// invalid, none is added and the error names it (a *RuleError); if they
// would take the server past Limits.Rules, none is added and the error is a
// *LimitError.
func (s *Server) Script(rules ...Rule) error {
	compiled := make([]*rule, 0, len(rules))
	for i, r := range rules {
		c, err := compileRule(r, "", i)
		if err != nil {
			return fmt.Errorf("script: %w", err)
		}
		compiled = append(compiled, c)
	}
	if err := s.script.add(compiled); err != nil {
		return fmt.Errorf("script: %w", err)
	}
	return nil
}

// ClearScripts removes every scripted rule, including those of the
// scenarios given at start (Reset brings those back).
func (s *Server) ClearScripts() { s.script.clear() }

// AssertScriptsUsed fails tb for each scripted rule with Times that has not
// answered all of its calls, naming the rule and its counts.
func (s *Server) AssertScriptsUsed(tb testing.TB) {
	tb.Helper()
	for _, msg := range s.script.unused() {
		tb.Errorf("fake server: %s", msg)
	}
}
