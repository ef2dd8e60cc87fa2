// Package webhook delivers the fake's webhook calls: which hosts may receive
// them, and the ordered, retried, signed deliveries themselves.
package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"sync"
)

// Allowlist is the set of hosts webhooks may be delivered to: loopback
// (localhost, 127.0.0.0/8, ::1) always, and the hosts it was built with.
// Its methods are safe for concurrent use; it never changes.
type Allowlist struct {
	names    map[string]bool // lower-case host names
	prefixes []netip.Prefix
}

// NewAllowlist returns the allowlist of loopback and entries: host names
// (matched exactly, case aside), IP addresses and CIDR prefixes such as
// "10.0.0.0/8". Empty entries are ignored.
func NewAllowlist(entries ...string) (*Allowlist, error) {
	if len(entries) == 0 {
		return loopbackOnly(), nil
	}
	return newAllowlist(entries)
}

// loopbackOnly is the allowlist without entries. It is built once per
// process and never changed, as no Allowlist is.
var loopbackOnly = sync.OnceValue(func() *Allowlist {
	a, _ := newAllowlist(nil) // no entry to reject
	return a
})

func newAllowlist(entries []string) (*Allowlist, error) {
	a := &Allowlist{
		names: map[string]bool{"localhost": true},
		prefixes: []netip.Prefix{
			netip.MustParsePrefix("127.0.0.0/8"),
			netip.MustParsePrefix("::1/128"),
		},
	}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
		case strings.Contains(e, "/"):
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return nil, fmt.Errorf("webhook host %q: not a CIDR prefix such as 10.0.0.0/8", e)
			}
			a.prefixes = append(a.prefixes, p.Masked())
		default:
			if ip, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
				a.prefixes = append(a.prefixes, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
				continue
			}
			if strings.ContainsAny(e, ":@ ?#") {
				return nil, fmt.Errorf("webhook host %q: want a host name, an IP address or a CIDR prefix, without scheme or port", e)
			}
			a.names[strings.ToLower(strings.TrimSuffix(e, "."))] = true
		}
	}
	return a, nil
}

// AllowsHost reports whether host (a name or an IP address, without port)
// may receive webhooks.
func (a *Allowlist) AllowsHost(host string) bool {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		ip = ip.Unmap().WithZone("")
		for _, p := range a.prefixes {
			if p.Contains(ip) {
				return true
			}
		}
		return false
	}
	return a.names[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// MaxURLLength is the longest webhook URL accepted, in bytes.
const MaxURLLength = 2048

// CheckURL checks that raw is an absolute http or https URL whose host the
// allowlist allows. The error says what is wrong, for an API error message.
func (a *Allowlist) CheckURL(raw string) error {
	if len(raw) > MaxURLLength {
		return fmt.Errorf("url must be at most %d characters long.", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return errors.New("url must be an absolute http or https URL.")
	}
	if host := u.Hostname(); !a.AllowsHost(host) {
		return fmt.Errorf("url host %q is not allowed to receive webhooks: this server delivers only to loopback hosts and to the hosts it is "+
			"told to allow (Go: fake.WithWebhookHosts; binary: -webhook-hosts or FAKESERVER_WEBHOOK_HOSTS; container: fakecontainer.WithWebhookHosts).", host)
	}
	if _, port, err := net.SplitHostPort(u.Host); err == nil && port == "" {
		return errors.New("url must be an absolute http or https URL.")
	}
	return nil
}
