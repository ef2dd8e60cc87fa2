package api

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Error is one vendor error as the client receives it: the status, the
// headers (Content-Type among them) and the body. A vendor's handlers and
// scripted answers of that vendor send the same values; Write is the one
// place they are rendered.
type Error struct {
	Status int
	Header http.Header
	Body   []byte
}

// NewError returns an error with status, a body and its content type.
func NewError(status int, contentType string, body []byte) *Error {
	return &Error{Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: body}
}

// JSONError returns an error with status whose body is v as JSON, sent
// with contentType. v must be made of values encoding/json can always
// encode (strings, numbers, slices and structs of them).
func JSONError(status int, contentType string, v any) *Error {
	return NewError(status, contentType, MustJSON(v))
}

// Error returns the body, so that an *Error can travel as an error.
func (e *Error) Error() string { return string(e.Body) }

// Write sends e on w. Its headers replace those of the same names already
// set on w; others set on w are kept.
func (e *Error) Write(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range e.Header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(e.Body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(e.Body)
}

// MustJSON encodes v, which must be made of values encoding/json can always
// encode; it panics otherwise, as that is a bug in the caller.
func MustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("encode response: " + err.Error())
	}
	return b
}

// WriteJSON answers with status and v (see MustJSON) as JSON, sent with
// contentType.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	WriteBody(w, status, contentType, MustJSON(v))
}

// AvailableBuffer returns an empty slice to append a body of about n bytes
// to and write with WriteBody: the free space of w's buffer, if w buffers
// its answer as the server's writer does and has that much space (the
// body is then written in place, without a copy), or else a new slice.
func AvailableBuffer(w http.ResponseWriter, n int) []byte {
	if ab, ok := w.(interface{ AvailableBuffer() []byte }); ok {
		if b := ab.AvailableBuffer(); cap(b) >= n {
			return b
		}
	}
	return make([]byte, 0, n)
}

// WriteBody answers with status and the body b, sent with contentType.
func WriteBody(w http.ResponseWriter, status int, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
