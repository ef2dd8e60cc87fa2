package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/mux"
)

// echoVendor is a vendor whose one route answers with its name, the
// route's id and what was parsed of the body; it tells the server the
// events it was sent.
type echoVendor struct{ name string }

func (v *echoVendor) Name() string        { return v.name }
func (v *echoVendor) Prefixes() []string  { return []string{"/echo"} }
func (v *echoVendor) Router() *mux.Router { return echoRouter() }
func (v *echoVendor) Reset()              {}
func (v *echoVendor) Title() string       { return "Echo" }
func (v *echoVendor) Routes() []Route     { return nil }
func (v *echoVendor) Error(_ *http.Request, status int) *Error {
	return NewError(status, "text/plain", []byte(v.name+" says "+http.StatusText(status)))
}

// echoRouter is the router of every echoVendor, shared as a vendor's is.
var echoRouter = sync.OnceValue(func() *mux.Router {
	r := NewRouter[*echoVendor]()
	r.Methods(http.MethodGet).Path("/echo/{id}").Handler(Handler(func(v *echoVendor, w http.ResponseWriter, r *http.Request) {
		parsed, _ := CallFrom(r.Context()).Parsed.(string)
		NoteFrom(r.Context()).Ingested = &Ingested{Events: 3}
		WriteBody(w, http.StatusOK, "text/plain", []byte(v.name+" "+Vars(r)["id"]+" "+parsed))
	}))
	return r
})

// TestServeCall checks that two APIs sharing one router each answer their
// own requests with the route's variables and the parsed body of the
// Call, fill in its Note, and answer a path or method no route takes with
// their own Error.
func TestServeCall(t *testing.T) {
	t.Parallel()
	a, b := &echoVendor{name: "a"}, &echoVendor{name: "b"}
	tests := []struct {
		v            *echoVendor
		method, path string
		wantStatus   int
		wantBody     string
		wantEvents   int
	}{
		{a, "GET", "/echo/1", 200, "a 1 body", 3},
		{b, "GET", "/echo/2", 200, "b 2 body", 3},
		{a, "GET", "/echo/1/more", 404, "a says Not Found", 0},
		{b, "POST", "/echo/1", 405, "b says Method Not Allowed", 0},
	}
	for _, tt := range tests {
		c := &Call{API: tt.v, Parsed: "body"}
		rec := httptest.NewRecorder()
		ServeCall(rec, httptest.NewRequest(tt.method, tt.path, nil), c)
		if rec.Code != tt.wantStatus || rec.Body.String() != tt.wantBody {
			t.Errorf("%s %s on %s: %d %q, want %d %q", tt.method, tt.path, tt.v.name, rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
		}
		events := 0
		if c.Note.Ingested != nil {
			events = c.Note.Ingested.Events
		}
		if events != tt.wantEvents {
			t.Errorf("%s %s: a note of %d events, want %d", tt.method, tt.path, events, tt.wantEvents)
		}
	}
	rec := httptest.NewRecorder()
	Serve(b).ServeHTTP(rec, httptest.NewRequest("GET", "/echo/7", nil))
	if got := rec.Body.String(); got != "b 7 " {
		t.Errorf("Serve: %q, want %q", got, "b 7 ")
	}
}

// availableWriter is a ResponseWriter that buffers its body, as the
// server's does.
type availableWriter struct {
	*httptest.ResponseRecorder
	buf bytes.Buffer
}

func (w *availableWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }
func (w *availableWriter) AvailableBuffer() []byte     { return w.buf.AvailableBuffer() }

// TestAvailableBuffer checks that a body appended to AvailableBuffer's
// slice and written with WriteBody arrives whole, in place when the
// writer's buffer has room and in a new slice otherwise.
func TestAvailableBuffer(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 100)
	w := &availableWriter{ResponseRecorder: httptest.NewRecorder()}
	w.buf.Grow(256)
	b := AvailableBuffer(w, len(body))
	if cap(b) < len(body) || len(b) != 0 {
		t.Fatalf("AvailableBuffer: len %d cap %d, want an empty slice with room for %d", len(b), cap(b), len(body))
	}
	b = append(b, body...)
	WriteBody(w, http.StatusOK, "text/plain", b)
	if got := w.buf.String(); got != body {
		t.Errorf("buffered body %q, want %q", got, body)
	}
	if &w.buf.Bytes()[0] != &b[0] {
		t.Error("the body was copied, not written in place")
	}

	rec := httptest.NewRecorder() // no AvailableBuffer: a new slice
	b = append(AvailableBuffer(rec, len(body)), body...)
	WriteBody(rec, http.StatusOK, "text/plain", b)
	if rec.Body.String() != body || rec.Header().Get("Content-Length") != "100" {
		t.Errorf("recorded %q (Content-Length %q), want the body", rec.Body, rec.Header().Get("Content-Length"))
	}
}
