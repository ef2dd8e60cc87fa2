package logscale_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	graphql "github.com/cli/shurcooL-graphql"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// GraphQL types for the client: the client names a variable's type after
// its Go type.
type (
	Long           int64
	Permission     string
	Tokens__SortBy string // named as the GraphQL enum

	CreateViewPermissionsTokenV2Input struct {
		Name            string       `json:"name"`
		ExpireAt        *Long        `json:"expireAt"`
		IPFilterID      *string      `json:"ipFilterId"`
		ViewIDs         []string     `json:"viewIds"`
		ViewPermissions []Permission `json:"viewPermissions"`
	}
	RotateTokenInputData struct {
		ID string `json:"id"`
	}
	InputData struct {
		ID string `json:"id"`
	}
)

// bearer adds a Bearer token to every request.
type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

func newClient(srv *fake.Server, token string) *graphql.Client {
	hc := &http.Client{Transport: bearer{token: token, next: srv.Client().Transport}}
	return graphql.NewClient(srv.URL()+"/graphql", hc)
}

// TestClientFlow drives the token lifecycle with a real GraphQL client:
// create, list, use, rotate, and delete.
func TestClientFlow(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	ctx := context.Background()
	adminClient := newClient(srv, fixtures.LogScaleToken)

	var create struct {
		CreateViewPermissionsTokenV2 struct {
			Token         string
			TokenMetadata struct {
				ID          string
				Name        string
				Permissions []string
			}
		} `graphql:"createViewPermissionsTokenV2(input: $input)"`
	}
	err := adminClient.Mutate(ctx, &create, map[string]any{"input": CreateViewPermissionsTokenV2Input{
		Name: "deploy bot", ViewIDs: []string{allLogsID}, ViewPermissions: []Permission{"ReadAccess"},
	}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	created := create.CreateViewPermissionsTokenV2
	id, _, _ := strings.Cut(created.Token, "~")
	if id != created.TokenMetadata.ID || created.TokenMetadata.Name != "deploy bot" {
		t.Fatalf("created %+v: token id and metadata disagree", created)
	}

	var list struct {
		Tokens struct {
			TotalResults int
			Results      []struct {
				ID   string
				Name string
			}
		} `graphql:"tokens(searchFilter: $search, sortBy: $sortBy)"`
	}
	if err := adminClient.Query(ctx, &list, map[string]any{"search": graphql.String(id), "sortBy": Tokens__SortBy("Name")}); err != nil {
		t.Fatalf("list: %v", err)
	}
	if list.Tokens.TotalResults != 1 || list.Tokens.Results[0].Name != "deploy bot" {
		t.Fatalf("list by id = %+v, want the new token", list.Tokens)
	}

	var filters struct {
		IPFilters []struct{ Name string } `graphql:"ipFilters"`
	}
	if err := newClient(srv, created.Token).Query(ctx, &filters, nil); err != nil {
		t.Fatalf("request with the new token: %v", err)
	}

	var rotate struct {
		RotateToken string `graphql:"rotateToken(input: $input)"`
	}
	if err := adminClient.Mutate(ctx, &rotate, map[string]any{"input": RotateTokenInputData{ID: id}}); err != nil {
		t.Fatalf("rotate: %v", err)
	}
	rotatedID, _, _ := strings.Cut(rotate.RotateToken, "~")
	if rotatedID == id {
		t.Fatalf("rotation kept the id %s", id)
	}

	err = newClient(srv, created.Token).Query(ctx, &filters, nil)
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "The supplied authentication is invalid") {
		t.Fatalf("request with the rotated-out token: err = %v, want a 401", err)
	}
	if err := newClient(srv, rotate.RotateToken).Query(ctx, &filters, nil); err != nil {
		t.Fatalf("request with the rotated token: %v", err)
	}

	var del struct {
		DeleteToken bool `graphql:"deleteToken(input: $input)"`
	}
	if err := adminClient.Mutate(ctx, &del, map[string]any{"input": InputData{ID: rotatedID}}); err != nil || !del.DeleteToken {
		t.Fatalf("delete: %v, %v", del.DeleteToken, err)
	}
	err = newClient(srv, rotate.RotateToken).Query(ctx, &filters, nil)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("request with the deleted token: err = %v, want a 401", err)
	}
	if err := adminClient.Query(ctx, &list, map[string]any{"search": graphql.String(rotatedID), "sortBy": Tokens__SortBy("Name")}); err != nil {
		t.Fatalf("list: %v", err)
	}
	if list.Tokens.TotalResults != 0 {
		t.Fatalf("list after delete = %+v, want nothing", list.Tokens)
	}
}
