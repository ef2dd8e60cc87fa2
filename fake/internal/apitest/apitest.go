// Package apitest is test support for the fake's API packages: a guarded
// ServeHTTP that turns panics and hangs into test failures, and a check of
// answers against a vendor's OpenAPI document.
package apitest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// ServeLimit is how long Serve waits for an answer before it calls the
// request hung.
const ServeLimit = 10 * time.Second

// Serve runs req through h and returns the recorded answer. It fails tb if
// the handler panics or takes longer than ServeLimit.
func Serve(tb testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	tb.Helper()
	rec := httptest.NewRecorder()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		h.ServeHTTP(rec, req)
	}()
	select {
	case p := <-done:
		if p != nil {
			tb.Fatalf("%s %s panicked: %v", req.Method, req.URL, p)
		}
	case <-time.After(ServeLimit):
		tb.Fatalf("%s %s did not answer within %s", req.Method, req.URL, ServeLimit)
	}
	return rec
}
