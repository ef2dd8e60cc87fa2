package cryptlex_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// benchmarkCreate measures POST /v3/personal-access-tokens on the API's
// handler, without a network and with the rate limit off.
func benchmarkCreate(b *testing.B, signed bool) {
	a := newAPI(b, testNow, cryptlex.Options{NoRateLimit: true})
	if !signed {
		cryptlex.SetSign(a, func(*cryptlex.Claims) (string, error) { return "unsigned", nil })
	}
	r := api.Serve(a)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := `{"name":"bench ` + strconv.Itoa(i) + `","scopes":["license:read","license:write"],"expiresAt":"2030-01-01T00:00:00Z"}`
		req := httptest.NewRequest("POST", cryptlex.PathPrefix, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkCreate is a PAT create without the RSA signature of its token:
// routing, authentication, validation, storing and rendering.
func BenchmarkCreate(b *testing.B) { benchmarkCreate(b, false) }

// BenchmarkCreateSigned is a PAT create with its token signed, as served.
func BenchmarkCreateSigned(b *testing.B) { benchmarkCreate(b, true) }

// BenchmarkSign is the RS256 signature of a token's claims alone.
func BenchmarkSign(b *testing.B) {
	s := fixtureSigner(b)
	c := claimsOf("0b6e4f2a-7c1d-4e8b-a5f3-9d2c6b1e8a70", adminID, "admin@example.com", "license:read", "license:write")
	c.ExpiresAt = jwt.NewNumericDate(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(c); err != nil {
			b.Fatal(err)
		}
	}
}
