package unleash

import (
	"slices"
	"time"
)

// patPrefix starts every PAT secret; Unleash looks a token up as a PAT only
// when it starts with it.
const patPrefix = "user:"

// timeLayout is how Unleash renders dates: JavaScript's toISOString.
const timeLayout = "2006-01-02T15:04:05.000Z"

// state is everything the API knows. It is guarded by API.mu.
type state struct {
	disabled  bool
	limit     int
	users     map[int]*user
	pats      map[int]*pat
	bySecret  map[string]*pat
	apiTokens map[string]bool
	nextID    int
}

type user struct {
	id   int
	pats []*pat // ascending by id
}

type pat struct {
	id          int
	userID      int
	description string
	secret      string
	createdAt   time.Time
	expiresAt   time.Time
	seenAt      time.Time // zero until first used
}

// patJSON is Unleash's patSchema.
type patJSON struct {
	ID          int     `json:"id"`
	Secret      string  `json:"secret,omitempty"`
	CreatedAt   string  `json:"createdAt"`
	SeenAt      *string `json:"seenAt"`
	UserID      int     `json:"userId"`
	Description string  `json:"description"`
	ExpiresAt   string  `json:"expiresAt"`
}

// patsJSON is Unleash's patsSchema.
type patsJSON struct {
	PATs []patJSON `json:"pats"`
}

func formatTime(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(timeLayout)
	}
	// What t.Format(timeLayout) writes, without parsing the layout: the
	// list answer writes two or three times per PAT.
	hour, minute, sec := t.Clock()
	var b [len(timeLayout)]byte
	put := func(at, v, digits int) {
		for i := at + digits - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	put(5, int(month), 2)
	put(8, day, 2)
	put(11, hour, 2)
	put(14, minute, 2)
	put(17, sec, 2)
	put(20, t.Nanosecond()/int(time.Millisecond), 3)
	b[4], b[7], b[10], b[13], b[16], b[19], b[23] = '-', '-', 'T', ':', ':', '.', 'Z'
	return string(b[:])
}

// view renders p; the secret only when withSecret.
func (p *pat) view(withSecret bool) patJSON {
	v := patJSON{
		ID:          p.id,
		CreatedAt:   formatTime(p.createdAt),
		UserID:      p.userID,
		Description: p.description,
		ExpiresAt:   formatTime(p.expiresAt),
	}
	if withSecret {
		v.Secret = p.secret
	}
	if !p.seenAt.IsZero() {
		s := formatTime(p.seenAt)
		v.SeenAt = &s
	}
	return v
}

// insert adds p to the indexes. p.id must be new.
func (st *state) insert(p *pat) {
	st.pats[p.id] = p
	st.bySecret[p.secret] = p
	u := st.users[p.userID]
	i, _ := slices.BinarySearchFunc(u.pats, p.id, func(q *pat, id int) int { return q.id - id })
	u.pats = slices.Insert(u.pats, i, p)
}

// remove drops p from the indexes.
func (st *state) remove(p *pat) {
	delete(st.pats, p.id)
	delete(st.bySecret, p.secret)
	u := st.users[p.userID]
	u.pats = slices.DeleteFunc(u.pats, func(q *pat) bool { return q == p })
}

// hasDescription reports whether u holds a PAT described as d (expired ones
// included, as Unleash counts them).
func (u *user) hasDescription(d string) bool {
	return slices.ContainsFunc(u.pats, func(p *pat) bool { return p.description == d })
}

// timeResolution is the precision of Unleash's dates (JavaScript's Date).
const timeResolution = time.Millisecond
