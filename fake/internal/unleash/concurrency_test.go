package unleash_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fixtures"
)

// TestConcurrentCreateDelete has 8 goroutines create and delete PATs at
// once; each keeps its last PAT. The store must end consistent: every id
// handed out once, and the list holding exactly the fixtures' PATs plus the
// kept ones.
func TestConcurrentCreateDelete(t *testing.T) {
	t.Parallel()
	const workers, rounds = 8, 15
	e := newEnv(t)
	var (
		mu   sync.Mutex
		ids  = map[float64]bool{}
		kept = map[float64]bool{}
		wg   sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				p := e.create(t, fixtures.UnleashToken, fmt.Sprintf("worker %d round %d", w, i), start.Add(time.Hour))
				id := p["id"].(float64)
				mu.Lock()
				if ids[id] {
					t.Errorf("id %v handed out twice", id)
				}
				ids[id] = true
				mu.Unlock()
				if i == rounds-1 {
					mu.Lock()
					kept[id] = true
					mu.Unlock()
					continue
				}
				r := e.do(t, request{method: http.MethodDelete, path: fmt.Sprintf("%s/%v", tokensPath, id), auth: fixtures.UnleashToken})
				if r.status != http.StatusOK {
					t.Errorf("delete %v: status %d", id, r.status)
				}
			}
		}()
	}
	wg.Wait()
	if len(ids) != workers*rounds {
		t.Errorf("%d distinct ids for %d creates", len(ids), workers*rounds)
	}
	listed := e.list(t, fixtures.UnleashToken)
	if len(listed) != defaultPATsAdmin+workers {
		t.Errorf("admin lists %d PATs, want %d", len(listed), defaultPATsAdmin+workers)
	}
	for _, p := range listed {
		id := p["id"].(float64)
		if id >= firstNewID && !kept[id] {
			t.Errorf("PAT %v listed but deleted", id)
		}
		delete(kept, id)
	}
	if len(kept) != 0 {
		t.Errorf("kept PATs missing from the list: %v", kept)
	}
	// The sequence goes on after the last id handed out.
	if p := e.create(t, janePAT, "after", start.Add(time.Hour)); p["id"] != float64(firstNewID+workers*rounds) {
		t.Errorf("next id = %v, want %d", p["id"], firstNewID+workers*rounds)
	}
}
