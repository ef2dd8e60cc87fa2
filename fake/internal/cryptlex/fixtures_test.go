package cryptlex_test

import (
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// defaultFile returns a file of the default fixtures.
func defaultFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fixtures.FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFixturesWithoutKeyUseTheDefaultKey(t *testing.T) {
	t.Parallel()
	dir := fstest.MapFS{cryptlex.FixtureFile: {Data: defaultFile(t, cryptlex.FixtureFile)}}
	srv := start(t, fake.WithFixtures(dir))
	do(t, srv, "GET", cryptlex.PathPrefix, fixtures.CryptlexToken, "").expect(t, http.StatusOK)
}

func TestFixturesWithoutFileStartEmpty(t *testing.T) {
	t.Parallel()
	srv := start(t, fake.WithFixtures(fstest.MapFS{}))
	checkUnauthorized(t, srv, fixtures.CryptlexToken, "Access token is invalid.")
}

func TestFixturesWithOwnKey(t *testing.T) {
	t.Parallel()
	other := mustOtherSigner(t)
	dir := fstest.MapFS{
		cryptlex.FixtureFile: {Data: defaultFile(t, cryptlex.FixtureFile)},
		cryptlex.KeyFile:     {Data: readTestdata(t, "other-signing-key.pem")},
	}
	srv := start(t, fake.WithFixtures(dir))
	// The default key's tokens no longer verify; the directory's key signs.
	checkUnauthorized(t, srv, fixtures.CryptlexToken, "Access token is invalid.")
	tok, err := other.Sign(claimsOf(fullTokenID, adminID, "admin@example.com", cryptlex.Scopes()...))
	if err != nil {
		t.Fatal(err)
	}
	issued := create(t, srv, tok, `{"name":"x","scopes":["user:read"]}`)
	if _, err := other.Verify(issued); err != nil {
		t.Errorf("a created token is not signed with the directory's key: %v", err)
	}
}

func TestMalformedFixtures(t *testing.T) {
	t.Parallel()
	valid := string(defaultFile(t, cryptlex.FixtureFile))
	tests := []struct {
		name    string
		files   fstest.MapFS
		wantErr []string
	}{
		{"not JSON", fstest.MapFS{cryptlex.FixtureFile: {Data: []byte("{")}}, []string{"cryptlex.json", "line 1, column 1: unexpected end of JSON input"}},
		{"unknown field", fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(`{"tenantId":"d2c9f3a4-6b1e-4f7a-9c3d-2e8b5a7f1c60","tokens":[]}`)}}, []string{"cryptlex.json", `line 1, column 52: tokens: unknown field (known: `}},
		{"no tenant", fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(`{}`)}}, []string{"cryptlex.json", "tenantId"}},
		{"unknown user", fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(strings.Replace(valid, `"userId": "c7f2a9e1`, `"userId": "d7f2a9e1`, 1))}}, []string{"cryptlex.json", "names no user"}},
		{"unknown scope", fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(strings.Replace(valid, `"product:read"`, `"product:admin"`, 1))}}, []string{"cryptlex.json", `unknown scope "product:admin"`}},
		{"bad key", fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(valid)}, cryptlex.KeyFile: {Data: []byte("placeholder")}}, []string{"cryptlex-signing-key.pem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := fake.NewServer(fake.WithFixtures(tt.files))
			if err == nil {
				srv.Close()
				t.Fatal("NewServer accepted the fixtures")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

// TestMinimalFixtures: fields a fixture leaves out are answered as empty
// arrays and nulls of the documented types, never as a null array.
func TestMinimalFixtures(t *testing.T) {
	t.Parallel()
	const file = `{"tenantId": "` + tenantID + `",
		"users": [{"id": "` + adminID + `", "createdAt": "2025-06-01T10:00:00Z", "updatedAt": "2025-06-01T10:00:00Z",
			"email": "admin@example.com", "role": "admin",
			"metadata": [{"id": "f1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b", "createdAt": "2025-06-01T10:05:00Z",
				"updatedAt": "2025-06-01T10:05:00Z", "key": "team", "value": "platform"}]}],
		"personalAccessTokens": [{"id": "` + fullTokenID + `", "createdAt": "2026-01-01T00:00:00Z",
			"updatedAt": "2026-01-01T00:00:00Z", "name": "minimal", "scopes": ["personalAccessToken:write"],
			"userId": "` + adminID + `"}]}`
	srv := start(t, fake.WithFixtures(fstest.MapFS{cryptlex.FixtureFile: {Data: []byte(file)}, cryptlex.KeyFile: {Data: defaultFile(t, cryptlex.KeyFile)}}))
	tok := sign(t, claimsOf(fullTokenID, adminID, "admin@example.com", "personalAccessToken:write"))
	res := do(t, srv, "GET", cryptlex.PathPrefix+"/"+fullTokenID, tok, "")
	res.expect(t, http.StatusOK)
	var got struct {
		ExpiresAt any `json:"expiresAt"`
		User      struct {
			Roles        []any `json:"roles"`
			Tags         []any `json:"tags"`
			Organization any   `json:"organization"`
			Metadata     []struct {
				ViewPermissions []any `json:"viewPermissions"`
			} `json:"metadata"`
		} `json:"user"`
	}
	res.decode(t, &got)
	u := got.User
	if got.ExpiresAt != nil || u.Organization != nil || u.Roles == nil || u.Tags == nil || len(u.Metadata) != 1 || u.Metadata[0].ViewPermissions == nil {
		t.Errorf("minimal token answered as %s", res.body)
	}
}
