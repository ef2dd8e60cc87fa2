package unleash

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// patSchema is Unleash's patSchema as encoding/json writes it: the
// reference that appendJSON must match byte for byte.
type patSchema struct {
	ID          int     `json:"id"`
	Secret      string  `json:"secret,omitempty"`
	CreatedAt   string  `json:"createdAt"`
	SeenAt      *string `json:"seenAt"`
	UserID      int     `json:"userId"`
	Description string  `json:"description"`
	ExpiresAt   string  `json:"expiresAt"`
}

func referenceJSON(t *testing.T, pats []*pat, withSecret bool) (one []byte, list []byte) {
	t.Helper()
	var all []patSchema
	for _, p := range pats {
		v := patSchema{ID: p.id, CreatedAt: p.createdAt.UTC().Format(timeLayout), UserID: p.userID,
			Description: p.description, ExpiresAt: p.expiresAt.UTC().Format(timeLayout)}
		if withSecret {
			v.Secret = p.secret
		}
		if !p.seenAt.IsZero() {
			s := p.seenAt.UTC().Format(timeLayout)
			v.SeenAt = &s
		}
		all = append(all, v)
	}
	one, err := json.Marshal(all[0])
	if err != nil {
		t.Fatal(err)
	}
	if all == nil {
		all = []patSchema{}
	}
	list, err = json.Marshal(struct {
		PATs []patSchema `json:"pats"`
	}{all})
	if err != nil {
		t.Fatal(err)
	}
	return one, list
}

func TestPATJSONIsEncodingJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 5, 9, 30, 1, 123_456_789, time.FixedZone("x", 3600))
	descriptions := []string{"", "ci", `quote " and \ backslash`, "<script>&amp;</script>", "a<b", "a>b", "a&b", "tab\tnew\nline\x00\x1f",
		"ünïcödé ✓ 🔑", "line\u2028sep\u2029", "bad utf-8 \xff\xfe end", "del \x7f"}
	for i, d := range descriptions {
		for _, withSecret := range []bool{false, true} {
			p := &pat{id: 1000 + i, userID: 7, description: d, secret: "user:" + d, createdAt: at,
				expiresAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
			if i%2 == 1 {
				p.seenAt = at.Add(time.Hour)
			}
			if i == 0 {
				p.secret = ""
			}
			wantOne, wantList := referenceJSON(t, []*pat{p, p}, withSecret)
			if diff := cmp.Diff(string(wantOne), string(p.appendJSON(nil, withSecret))); diff != "" {
				t.Errorf("appendJSON(%q, %v) differs from encoding/json (-want +got):\n%s", d, withSecret, diff)
			}
			if withSecret {
				continue
			}
			if diff := cmp.Diff(string(wantList), string(appendPATsJSON(nil, []*pat{p, p}))); diff != "" {
				t.Errorf("appendPATsJSON(%q) differs from encoding/json (-want +got):\n%s", d, diff)
			}
		}
	}
	if got, want := string(appendPATsJSON(nil, nil)), `{"pats":[]}`; got != want {
		t.Errorf("appendPATsJSON(nil) = %s, want %s", got, want)
	}
}
