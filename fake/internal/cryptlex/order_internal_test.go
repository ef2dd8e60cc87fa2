package cryptlex

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestOrdersFollowChanges builds every list order of two users, then
// creates, deletes, revokes and uses their tokens at random, with many
// equal times, and checks after each step that every kept order is the
// user's tokens sorted afresh.
func TestOrdersFollowChanges(t *testing.T) {
	t.Parallel()
	d, err := defaultDataSet()
	if err != nil {
		t.Fatal(err)
	}
	s := d.newState()
	users := []string{"u1", "u2"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(r *rand.Rand) *time.Time { v := base.Add(time.Duration(r.IntN(4)) * time.Hour); return &v }
	var orders []listOrder
	for _, f := range sortFields() {
		orders = append(orders, listOrder{f, false}, listOrder{f, true})
	}
	for _, u := range users {
		for _, o := range orders {
			s.ordered(u, o)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	var live []*pat
	for step := range 400 {
		switch op := r.IntN(5); {
		case op <= 1 || len(live) == 0:
			p := &pat{fixturedToken: fixturedToken{ID: fmt.Sprint("t", step), UserID: users[r.IntN(2)],
				Name: fmt.Sprint("n", r.IntN(5)), CreatedAt: *at(r), UpdatedAt: *at(r)}}
			if r.IntN(2) == 0 {
				p.ExpiresAt = at(r)
			}
			s.add(p)
			live = append(live, p)
		case op == 2:
			i := r.IntN(len(live))
			s.remove(live[i])
			live = slices.Delete(live, i, i+1)
		case op == 3:
			p := live[r.IntN(len(live))]
			s.change(p, "updatedAt", func() { p.Revoked, p.UpdatedAt = !p.Revoked, *at(r) })
		default:
			p := live[r.IntN(len(live))]
			if r.IntN(3) == 0 {
				s.setLastUsed(p, nil)
			} else {
				s.setLastUsed(p, at(r))
			}
		}
		for _, u := range users {
			for _, o := range orders {
				kept := s.ordered(u, o)
				fresh := &orderedPATs{order: o}
				for _, p := range s.tokens {
					if p.UserID == u {
						fresh.pats = append(fresh.pats, p)
					}
				}
				slices.SortFunc(fresh.pats, fresh.compare)
				if diff := cmp.Diff(ids(fresh.pats), ids(kept)); diff != "" {
					t.Fatalf("step %d, user %s, order %+v (-sorted afresh +kept):\n%s", step, u, o, diff)
				}
			}
		}
	}
}

func ids(pats []*pat) []string {
	out := make([]string, len(pats))
	for i, p := range pats {
		out[i] = p.ID
	}
	return out
}
