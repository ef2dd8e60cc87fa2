package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
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

// answer writes the scripted response of ru, other than a reset or close,
// to w.
func answer(w *bufferWriter, r *http.Request, ru *rule, api api.API) {
	resp := &ru.Respond
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	h := w.header
	// The rule's headers go in before the vendor's error, which keeps the
	// headers it finds (a rule's Retry-After spares Cryptlex's own), and
	// again below, over any the vendor sets regardless.
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	if status >= 400 && api != nil {
		api.WriteError(w, r, status)
	}
	if resp.Body != nil || w.status == 0 {
		w.body.Reset()
		w.status = status
		h.Del("Content-Length")
	}
	if resp.Body != nil {
		w.body.Write(resp.Body)
		if !hasHeader(resp.Headers, "Content-Type") {
			if isJSON(resp.Body) {
				h.Set("Content-Type", "application/json")
			} else {
				h.Set("Content-Type", "text/plain; charset=utf-8")
			}
		}
	}
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	if status == http.StatusTooManyRequests && h.Get("Retry-After") == "" {
		h.Set("Retry-After", DefaultRetryAfter)
	}
	h.Set(RuleHeader, ru.Name)
	if resp.Fault == FaultMalformed && w.body.Len() == 0 {
		w.body.WriteString("{}")
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
	}
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

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func isJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}

// bufferWriter is an http.ResponseWriter that keeps what is written, to
// send it later.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

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

// send writes the kept response to w. With truncate, it announces the
// whole body in Content-Length but sends only half of it: net/http then
// closes the connection, as the body fell short.
func (b *bufferWriter) send(w http.ResponseWriter, truncate bool) {
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	body := b.body.Bytes()
	if h.Get("Content-Length") != "" || truncate {
		h.Set("Content-Length", strconv.Itoa(len(body)))
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
