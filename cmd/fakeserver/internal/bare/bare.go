// Package bare is the baseline of fakeserver's side-by-side benchmark: the
// least a net/http server can do to stand in for the fake on two routes,
// answering each with fixed bytes rendered beforehand.
package bare

import (
	"io"
	"net/http"
)

// Routes served by Handler.
const (
	UnleashPath  = "/api/admin/user/tokens" // GET
	LogScalePath = "/graphql"               // POST
)

// Answer is the fixed answer to one route.
type Answer struct {
	ContentType string
	Body        []byte
}

// Answers are the fixed answers of a Handler.
type Answers struct {
	Unleash  Answer // to GET UnleashPath
	LogScale Answer // to POST LogScalePath
}

// Handler answers GET UnleashPath and POST LogScalePath with a's bytes and
// status 200, and anything else with 404. It reads request bodies in full,
// as a server that looks at them must.
func Handler(a Answers) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ans Answer
		switch {
		case r.Method == http.MethodGet && r.URL.Path == UnleashPath:
			ans = a.Unleash
		case r.Method == http.MethodPost && r.URL.Path == LogScalePath:
			_, _ = io.Copy(io.Discard, r.Body)
			ans = a.LogScale
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", ans.ContentType)
		_, _ = w.Write(ans.Body)
	})
}
