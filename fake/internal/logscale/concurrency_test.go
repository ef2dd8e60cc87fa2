package logscale_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// postAsAdmin sends body as the admin and decodes the answer into v; it
// reports problems as errors, for use off the test goroutine.
func postAsAdmin(srv *fake.Server, body string, v any) error {
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/graphql", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+fixtures.LogScaleToken)
	res, err := srv.Client().Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// TestConcurrentCreates creates tokens from many goroutines at once while
// others list them; every token must be stored once, with its own id.
func TestConcurrentCreates(t *testing.T) {
	t.Parallel()
	srv := start(t)
	const workers, each = 8, 10
	ids := make(chan string, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				var created struct {
					Data struct {
						CreateSystemPermissionsTokenV2 struct {
							TokenMetadata struct{ ID string }
						}
					}
				}
				body := fmt.Sprintf(`{"query":"mutation { createSystemPermissionsTokenV2(input: {name: \"w%d-%d\", systemPermissions: [ReadHealthCheck]}) { tokenMetadata { id } } }"}`, w, i)
				if err := postAsAdmin(srv, body, &created); err != nil {
					t.Errorf("create: %v", err)
					return
				}
				ids <- created.Data.CreateSystemPermissionsTokenV2.TokenMetadata.ID
				var list any
				if err := postAsAdmin(srv, `{"query":"{ tokens(sortBy: ExpirationDate) { totalResults } }"}`, &list); err != nil {
					t.Errorf("list: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		if id == "" || seen[id] {
			t.Errorf("id %q empty or handed out twice", id)
		}
		seen[id] = true
	}
	res := admin(t, srv, `{ tokens(sortBy: Name, typeFilter: [SystemPermissionToken]) { totalResults } }`, nil)
	wantJSON(t, res.body, fmt.Sprintf(`{"data":{"tokens":{"totalResults":%d}}}`, 2+workers*each))
}
