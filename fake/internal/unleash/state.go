package unleash

import (
	"slices"
	"strconv"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
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

// formatTime renders t as Unleash does (timeLayout).
func formatTime(t time.Time) string { return string(appendTime(nil, t)) }

// appendTime appends t as Unleash renders it (timeLayout).
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timeLayout)
	}
	// What t.AppendFormat(b, timeLayout) writes, without parsing the
	// layout: the list answer writes two or three times per PAT.
	hour, minute, sec := t.Clock()
	var d [len(timeLayout)]byte
	put := func(at, v, digits int) {
		for i := at + digits - 1; i >= at; i-- {
			d[i] = byte('0' + v%10)
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
	d[4], d[7], d[10], d[13], d[16], d[19], d[23] = '-', '-', 'T', ':', ':', '.', 'Z'
	return append(b, d[:]...)
}

// patJSONSize is about the length of a PAT in JSON, with its secret and a
// short description.
const patJSONSize = 256

// appendJSON appends p as Unleash's patSchema, the JSON object
// {"id", "secret" (only withSecret, and never empty), "createdAt",
// "seenAt" (null until first used), "userId", "description", "expiresAt"},
// written as encoding/json writes it.
func (p *pat) appendJSON(b []byte, withSecret bool) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(p.id), 10)
	if withSecret && p.secret != "" {
		b = append(b, `,"secret":`...)
		b = appendJSONString(b, p.secret)
	}
	b = append(b, `,"createdAt":"`...)
	b = appendTime(b, p.createdAt)
	b = append(b, `","seenAt":`...)
	if p.seenAt.IsZero() {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = appendTime(b, p.seenAt)
		b = append(b, '"')
	}
	b = append(b, `,"userId":`...)
	b = strconv.AppendInt(b, int64(p.userID), 10)
	b = append(b, `,"description":`...)
	b = appendJSONString(b, p.description)
	b = append(b, `,"expiresAt":"`...)
	b = appendTime(b, p.expiresAt)
	return append(b, `"}`...)
}

// appendPATsJSON appends pats as Unleash's patsSchema: {"pats": [...]},
// without secrets.
func appendPATsJSON(b []byte, pats []*pat) []byte {
	b = append(b, `{"pats":[`...)
	for i, p := range pats {
		if i > 0 {
			b = append(b, ',')
		}
		b = p.appendJSON(b, false)
	}
	return append(b, "]}"...)
}

// appendJSONString appends s as a JSON string, as encoding/json writes it:
// printable ASCII other than the quote, the backslash and the HTML
// characters < > & as is, anything else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return append(b, api.MustJSON(s)...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
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
