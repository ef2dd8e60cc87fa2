package logscale

import (
	"fmt"
	"net/netip"
	"strings"
)

// ipRule is one line of an IP filter: "allow" or "deny", then "all", an
// address or a CIDR prefix.
type ipRule struct {
	allow  bool
	all    bool
	prefix netip.Prefix
}

// parseIPFilter reads an IP filter: one rule per line, blank lines and lines
// starting with # ignored.
func parseIPFilter(text string) ([]ipRule, error) {
	var rules []ipRule
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 || (fields[0] != "allow" && fields[0] != "deny") {
			return nil, fmt.Errorf("line %d: want \"allow\" or \"deny\" followed by \"all\", an address or a CIDR prefix", n+1)
		}
		r := ipRule{allow: fields[0] == "allow"}
		switch target := fields[1]; {
		case target == "all":
			r.all = true
		case strings.Contains(target, "/"):
			p, err := netip.ParsePrefix(target)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			r.prefix = p.Masked()
		default:
			a, err := netip.ParseAddr(target)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			r.prefix = netip.PrefixFrom(a, a.BitLen())
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// ipAllowed reports whether filter lets addr through: the first rule that
// matches decides; an address no rule matches is refused. A filter that does
// not parse refuses everything.
func ipAllowed(filter string, addr netip.Addr) bool {
	rules, err := parseIPFilter(filter)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, r := range rules {
		if r.all || r.prefix.Contains(addr) {
			return r.allow
		}
	}
	return false
}
