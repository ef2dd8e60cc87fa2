package fake

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// errAborted ends a request whose delay was cut short.
var errAborted = errors.New("delay aborted")

// wait sleeps for d, or until the request is cancelled or the server closes.
func wait(r *http.Request, closing <-chan struct{}, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-r.Context().Done():
		return errAborted
	case <-closing:
		return errAborted
	}
}

// scripted is the answer of ru to r, other than a reset or close: for a
// status of 400 and above, v's error for that status, under the rule's
// headers and body.
func scripted(r *http.Request, ru *rule, v api.Vendor) *api.Error {
	resp := &ru.Respond
	status := cmp.Or(resp.Status, http.StatusOK)
	e := &api.Error{Status: status, Header: http.Header{}}
	if status >= 400 {
		e = v.Error(r, status)
	}
	if resp.Body != nil {
		e.Body = resp.Body
		if isJSON(resp.Body) {
			e.Header.Set("Content-Type", "application/json")
		} else {
			e.Header.Set("Content-Type", "text/plain; charset=utf-8")
		}
	}
	for k, val := range resp.Headers {
		e.Header.Set(k, val)
	}
	if status == http.StatusTooManyRequests && e.Header.Get("Retry-After") == "" {
		e.Header.Set("Retry-After", DefaultRetryAfter)
	}
	e.Header.Set(RuleHeader, ru.Name)
	if resp.Fault == FaultMalformed && len(e.Body) == 0 {
		e.Body = []byte("{}")
		if e.Header.Get("Content-Type") == "" {
			e.Header.Set("Content-Type", "application/json")
		}
	}
	return e
}

// breakConn ends the connection under w without a response.
func breakConn(w http.ResponseWriter, r *http.Request, f Fault) {
	if f == FaultClose {
		// Unread request bytes would turn the close into a reset.
		_, _ = io.CopyN(io.Discard, r.Body, api.MaxBodyBytes)
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(interface{ SetLinger(int) error }); ok && f == FaultReset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func isJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}

// maxPooledBody is the largest body buffer a bufferWriter keeps for the
// next request; larger ones are left to the garbage collector, so that the
// pool holds at most this much per buffer.
const maxPooledBody = 64 << 10

// bufferWriter is an http.ResponseWriter that keeps the status and body
// written, to send them later, and the request's api.Call. Its headers are
// those of the ResponseWriter it will send on: nothing is sent on it before
// WriteHeader.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
	call   api.Call // the API serving the request, and what its handler tells about it
}

// newBufferWriter returns a bufferWriter, from the server's pool, for an
// answer to be sent on w. release gives it back.
func (s *Server) newBufferWriter(w http.ResponseWriter) *bufferWriter {
	b, _ := s.buffers.Get().(*bufferWriter)
	if b == nil {
		b = &bufferWriter{}
	}
	b.header = w.Header()
	return b
}

// release puts b back into the server's pool once its answer is sent,
// unless its body buffer grew beyond maxPooledBody.
func (s *Server) releaseBufferWriter(b *bufferWriter) {
	if b.body.Cap() > maxPooledBody {
		return
	}
	b.header, b.status, b.call = nil, 0, api.Call{}
	b.body.Reset()
	s.buffers.Put(b)
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// AvailableBuffer returns an empty slice with the free space of b's body,
// as bytes.Buffer.AvailableBuffer does: a body appended to it and written
// with Write is not copied.
func (b *bufferWriter) AvailableBuffer() []byte { return b.body.AvailableBuffer() }

// send writes the kept response to w, the ResponseWriter whose headers b
// holds. With truncate, it announces the whole body in Content-Length but
// sends only half of it: net/http then closes the connection, as the body
// fell short.
func (b *bufferWriter) send(w http.ResponseWriter, truncate bool) {
	h := w.Header()
	body := b.body.Bytes()
	var n [20]byte
	length := strconv.AppendInt(n[:0], int64(len(body)), 10)
	if cl := h.Get("Content-Length"); truncate || cl != "" && cl != string(length) {
		h.Set("Content-Length", string(length))
	}
	if truncate {
		h.Set("Connection", "close")
		body = body[:len(body)/2]
	}
	w.WriteHeader(b.status)
	if len(body) > 0 {
		_, _ = w.Write(body)
	}
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
