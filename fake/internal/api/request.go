package api

import (
	"errors"
	"io"
	"net"
	"net/http"
)

// MaxBodyBytes is the largest request body any vendor API reads. Larger
// bodies are answered with 413 in the vendor's style.
const MaxBodyBytes = 1 << 20

// ErrBodyTooLarge reports a request body over the limit ReadBody was given.
var ErrBodyTooLarge = errors.New("request body too large")

// ReadBody reads r's body, at most limit bytes. A longer body gives
// ErrBodyTooLarge after reading no more than limit+1 bytes; a body that
// cannot be read gives the reader's error.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, ErrBodyTooLarge
	}
	return b, nil
}

// RemoteHost returns the host part of r's RemoteAddr: the client's IP
// address as written there, or the whole RemoteAddr when it has no port.
func RemoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
