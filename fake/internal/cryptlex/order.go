package cryptlex

import (
	"slices"
	"time"
)

// listOrder is one of the orders a list can be sorted in.
type listOrder struct {
	field      string // one of sortFields
	descending bool
}

// orderedPATs is one user's tokens in one list order: by the order's field,
// then by creation (seq), whichever way the field goes. A state keeps it up
// to date from the first list that asks for it: a list then reads one page
// of it instead of sorting every token of the user.
type orderedPATs struct {
	order listOrder
	pats  []*pat
}

func (o *orderedPATs) compare(x, y *pat) int {
	n := compareField(x, y, o.order.field)
	if o.order.descending {
		n = -n
	}
	if n != 0 {
		return n
	}
	return cmpUint(x.seq, y.seq)
}

func (o *orderedPATs) insert(t *pat) {
	i, _ := slices.BinarySearchFunc(o.pats, t, o.compare)
	o.pats = slices.Insert(o.pats, i, t)
}

// remove deletes t, whose field must not have changed since it was
// inserted.
func (o *orderedPATs) remove(t *pat) {
	if i, found := slices.BinarySearchFunc(o.pats, t, o.compare); found {
		o.pats = slices.Delete(o.pats, i, i+1)
	}
}

// ordered returns the tokens of user in order, building that order the
// first time it is asked for. At most len(sortFields)*2 orders are kept
// per user, each holding that user's tokens once.
func (s *state) ordered(userID string, order listOrder) []*pat {
	byOrder := s.orders[userID]
	if byOrder == nil {
		byOrder = map[listOrder]*orderedPATs{}
		s.orders[userID] = byOrder
	}
	if o := byOrder[order]; o != nil {
		return o.pats
	}
	o := &orderedPATs{order: order}
	for _, t := range s.tokens {
		if t.UserID == userID {
			o.pats = append(o.pats, t)
		}
	}
	slices.SortFunc(o.pats, o.compare)
	byOrder[order] = o
	return o.pats
}

// change runs f, which changes field of t, keeping t's place in the
// orders by that field. t moves only past the tokens between its old and
// its new place, so a token used again and again (which stays in front
// when listed by last use) costs a binary search.
func (s *state) change(t *pat, field string, f func()) {
	type place struct {
		o *orderedPATs
		i int
	}
	var moved []place
	for _, o := range s.orders[t.UserID] {
		if o.order.field == field {
			if i, found := slices.BinarySearchFunc(o.pats, t, o.compare); found {
				moved = append(moved, place{o, i})
			}
		}
	}
	f()
	for _, p := range moved {
		p.o.resettle(p.i)
	}
}

// resettle moves the token at index i, whose field has changed, to its
// place in the order.
func (o *orderedPATs) resettle(i int) {
	t := o.pats[i]
	switch {
	case i > 0 && o.compare(o.pats[i-1], t) > 0:
		k, _ := slices.BinarySearchFunc(o.pats[:i], t, o.compare)
		copy(o.pats[k+1:i+1], o.pats[k:i])
		o.pats[k] = t
	case i+1 < len(o.pats) && o.compare(o.pats[i+1], t) < 0:
		k, _ := slices.BinarySearchFunc(o.pats[i+1:], t, o.compare)
		copy(o.pats[i:i+k], o.pats[i+1:i+1+k])
		o.pats[i+k] = t
	}
}

// setLastUsed sets when t was last used.
func (s *state) setLastUsed(t *pat, at *time.Time) {
	s.change(t, "lastUsedAt", func() { t.LastUsedAt = at })
}
