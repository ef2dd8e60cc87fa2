package fake

import (
	"fmt"
	"strings"
)

// pattern is a compiled path pattern; the zero pattern matches every path.
type pattern struct {
	segs []segment
	rest bool // ends in {name...}
	set  bool
}

// segment is one segment of a pattern: a literal, or a {name} wildcard.
type segment struct {
	lit  string
	wild bool
}

func compilePattern(p string) (pattern, error) {
	if !strings.HasPrefix(p, "/") {
		return pattern{}, fmt.Errorf("%q must start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	pat := pattern{set: true}
	for i, s := range parts {
		if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
			if strings.ContainsAny(s, "{}") {
				return pattern{}, fmt.Errorf("%q: a wildcard must be a whole segment, such as /{id}", p)
			}
			pat.segs = append(pat.segs, segment{lit: s})
			continue
		}
		name := s[1 : len(s)-1]
		rest := strings.HasSuffix(name, "...")
		name = strings.TrimSuffix(name, "...")
		if name == "" || strings.ContainsAny(name, "{}") {
			return pattern{}, fmt.Errorf("%q: bad wildcard %s (want {name} or {name...})", p, s)
		}
		if rest {
			if i != len(parts)-1 {
				return pattern{}, fmt.Errorf("%q: %s must be the last segment", p, s)
			}
			pat.rest = true
			continue
		}
		pat.segs = append(pat.segs, segment{wild: true})
	}
	return pat, nil
}

func (p *pattern) match(path string) bool {
	if !p.set {
		return true
	}
	if path == "" || path[0] != '/' {
		return false
	}
	rest := path[1:]
	for i, seg := range p.segs {
		j := strings.IndexByte(rest, '/')
		s := rest
		if j >= 0 {
			s = rest[:j]
		}
		if seg.wild && s == "" || !seg.wild && s != seg.lit {
			return false
		}
		if j < 0 {
			// The path ends here; a rest wildcard matches nothing.
			return i == len(p.segs)-1
		}
		rest = rest[j+1:]
	}
	return p.rest
}
