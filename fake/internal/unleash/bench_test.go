package unleash_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// BenchmarkCreatePAT measures the server time of one PAT create through the
// whole handler (routing, authentication, validation, store, encoding). Each
// created PAT is deleted outside the timer, so the 10-PAT limit is never hit.
func BenchmarkCreatePAT(b *testing.B) {
	srv := fake.Start(b, fake.WithTime(start))
	h := srv.Handler()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := fmt.Sprintf(`{"description":"bench %d","expiresAt":"2027-01-01T00:00:00.000Z"}`, i)
		req := httptest.NewRequest(http.MethodPost, tokensPath, strings.NewReader(body))
		req.Header.Set("Authorization", fixtures.UnleashToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		b.StopTimer()
		if rec.Code != http.StatusCreated {
			b.Fatalf("create: status %d, body %s", rec.Code, rec.Body)
		}
		var p struct {
			ID int `json:"id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			b.Fatal(err)
		}
		del := httptest.NewRequest(http.MethodDelete, fmt.Sprintf("%s/%d", tokensPath, p.ID), nil)
		del.Header.Set("Authorization", fixtures.UnleashToken)
		drec := httptest.NewRecorder()
		h.ServeHTTP(drec, del)
		if drec.Code != http.StatusOK {
			b.Fatalf("delete: status %d", drec.Code)
		}
		b.StartTimer()
	}
}
