package fake_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fixtures"
)

// ExampleWithLimits lowers the limit on scripted rules: a call past it is
// refused with a *fake.LimitError that says how to raise it, and adds none
// of its rules.
func ExampleWithLimits() {
	srv, err := fake.NewServer(fake.WithLimits(fake.Limits{Rules: 1}))
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	throttle := fake.Rule{Match: fake.Match{API: fake.APIUnleash}, Respond: fake.Response{Status: 429}}
	fmt.Println(srv.Script(throttle))
	err = srv.Script(throttle)
	var limit *fake.LimitError
	fmt.Println(errors.As(err, &limit), limit.Limit, limit.Max)
	fmt.Println(err)
	// Output:
	// <nil>
	// true Rules 1
	// script: the fake server's limit of 1 scripted rules would be exceeded (raise it with fakeserver -max-rules, FAKESERVER_MAX_RULES, or fake.WithLimits(fake.Limits{Rules: n}); a negative value removes it)
}

// ExampleServer_Shutdown stops a server while a scripted delay holds a
// request: Shutdown refuses new connections at once and returns when the
// held request has its answer.
func ExampleServer_Shutdown() {
	srv, err := fake.NewServer()
	if err != nil {
		panic(err)
	}
	err = srv.Script(fake.Rule{Match: fake.Match{API: fake.APIUnleash}, Respond: fake.Response{Delay: 200 * time.Millisecond}})
	if err != nil {
		panic(err)
	}
	answered := make(chan string)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/api/admin/user/tokens", nil)
		req.Header.Set("Authorization", fixtures.UnleashToken)
		res, err := srv.Client().Do(req)
		if err != nil {
			answered <- err.Error()
			return
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		answered <- res.Status
	}()
	for !held(srv) { // until the rule holds the request
		time.Sleep(time.Millisecond)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fmt.Println(srv.Shutdown(ctx))
	fmt.Println(<-answered)
	// Output:
	// <nil>
	// 200 OK
}

// held reports whether a request has reached srv's scripted rule.
func held(srv *fake.Server) bool {
	res, err := srv.Client().Get(srv.URL() + "/_fake/scenarios")
	if err != nil {
		return false
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return strings.Contains(string(b), `"seen":1`)
}
