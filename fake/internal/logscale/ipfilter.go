package logscale

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/tokenfake/tokenfake/fake/internal/random"
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

// CreateIPFilter resolves Mutation.createIPFilter.
func (mutationRoot) CreateIPFilter(ctx context.Context, args struct {
	Input struct{ Name, IPFilter string }
}) (*ipFilterResolver, error) {
	a := callFrom(ctx).api
	name := strings.TrimSpace(args.Input.Name)
	if name == "" {
		return nil, errNameEmpty
	}
	if _, err := parseIPFilter(args.Input.IPFilter); err != nil {
		return nil, fmt.Errorf(errIPFilterSyntax, err)
	}
	a.lockToChange()
	defer a.mu.Unlock()
	id := a.env.Random.String(random.Alnum, entityIDLength)
	for a.st.ipFiltersByID[id] != nil {
		id = a.env.Random.String(random.Alnum, entityIDLength)
	}
	f := &ipFilter{id: id, name: name, filter: args.Input.IPFilter}
	a.st.putIPFilter(f)
	return &ipFilterResolver{f: f}, nil
}

// UpdateIPFilter resolves Mutation.updateIPFilter.
func (mutationRoot) UpdateIPFilter(ctx context.Context, args struct {
	Input struct {
		ID       string
		Name     *string
		IPFilter *string
	}
}) (*ipFilterResolver, error) {
	a := callFrom(ctx).api
	in := args.Input
	a.lockToChange()
	defer a.mu.Unlock()
	old := a.st.ipFiltersByID[in.ID]
	if old == nil {
		return nil, errNotFound
	}
	f := *old
	if in.Name != nil {
		if f.name = strings.TrimSpace(*in.Name); f.name == "" {
			return nil, errNameEmpty
		}
	}
	if in.IPFilter != nil {
		if _, err := parseIPFilter(*in.IPFilter); err != nil {
			return nil, fmt.Errorf(errIPFilterSyntax, err)
		}
		f.filter = *in.IPFilter
	}
	a.st.putIPFilter(&f)
	return &ipFilterResolver{f: &f}, nil
}

// DeleteIPFilter resolves Mutation.deleteIPFilter. Tokens that used the
// filter are no longer limited by it.
func (mutationRoot) DeleteIPFilter(ctx context.Context, args idInput) (bool, error) {
	a := callFrom(ctx).api
	a.lockToChange()
	defer a.mu.Unlock()
	if a.st.ipFiltersByID[args.Input.ID] == nil {
		return false, errNotFound
	}
	a.st.removeIPFilter(args.Input.ID)
	return true, nil
}
