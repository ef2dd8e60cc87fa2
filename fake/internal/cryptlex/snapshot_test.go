package cryptlex_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// snapshotVia lists the tokens of admin and jane through srv's handler as a
// client at remoteAddr.
func snapshotVia(t *testing.T, srv *fake.Server, remoteAddr string) string {
	t.Helper()
	var out string
	for _, tok := range []string{fixtures.CryptlexLimitedToken, janeToken(t)} {
		req := httptest.NewRequest("GET", cryptlex.PathPrefix+"?limit=100", nil)
		req.RemoteAddr = remoteAddr
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("snapshot: status %d: %s", rec.Code, rec.Body)
		}
		out += rec.Body.String() + "\n"
	}
	return out
}
