package unleash_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Create a personal access token as the Unleash user "admin", then use it.
func Example() {
	srv, err := fake.NewServer(fake.WithTime(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/api/admin/user/tokens",
		strings.NewReader(`{"description":"deploy bot","expiresAt":"2027-01-01T00:00:00.000Z"}`))
	req.Header.Set("Authorization", fixtures.UnleashToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	var pat struct {
		ID          int     `json:"id"`
		Secret      string  `json:"secret"`
		Description string  `json:"description"`
		CreatedAt   string  `json:"createdAt"`
		SeenAt      *string `json:"seenAt"`
	}
	_ = json.NewDecoder(res.Body).Decode(&pat)
	res.Body.Close()
	fmt.Println(res.StatusCode, pat.ID, pat.Description, pat.CreatedAt, pat.SeenAt)

	req, _ = http.NewRequest(http.MethodGet, srv.URL()+"/api/admin/user/tokens", nil)
	req.Header.Set("Authorization", "Bearer "+pat.Secret)
	res, err = srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Body.Close()
	fmt.Println(res.StatusCode)
	// Output:
	// 201 4 deploy bot 2026-03-01T12:00:00.000Z <nil>
	// 200
}
