package cryptlex_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/cryptlex"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Create a personal access token with the fixtures' token, then use it.
func Example() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	send := func(method, path, token, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		return res
	}

	res := send("POST", cryptlex.PathPrefix, fixtures.CryptlexToken, `{"name":"ci","scopes":["license:read"]}`)
	var created struct{ AccessToken string }
	_ = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	fmt.Println("create:", res.Status)

	claims := jwt.MapClaims{}
	_, _, _ = jwt.NewParser().ParseUnverified(created.AccessToken, claims)
	fmt.Println("scope:", claims["scope"], "usage:", claims["token_usage"])

	res = send("GET", cryptlex.PathPrefix+"/"+claims["jti"].(string), created.AccessToken, "")
	res.Body.Close()
	fmt.Println("read with the new token:", res.Status, "remaining:", res.Header.Get("X-Rate-Limit-Remaining"))
	// Output:
	// create: 201 Created
	// scope: [license:read] usage: personal_access_token
	// read with the new token: 200 OK remaining: 48
}
