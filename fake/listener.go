package fake

import (
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// refuseTimeout bounds the time spent answering a connection past
// Limits.Connections, and maxRefusing how many are answered at once; past
// that, a connection is closed without an answer.
const (
	refuseTimeout = time.Second
	maxRefusing   = 64
)

// limitListener accepts at most cap(slots) connections open at once. A
// connection past that is answered 503, with a text that names the limit,
// and closed; the listener goes on accepting.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	refusing  chan struct{}
	answering sync.WaitGroup // the refusals being answered
}

func newLimitListener(l net.Listener, max int) net.Listener {
	if max <= 0 {
		return l
	}
	return &limitListener{Listener: l, slots: make(chan struct{}, max), refusing: make(chan struct{}, maxRefusing)}
}

// refusal is the answer to a connection past the limit.
func (l *limitListener) refusal() []byte {
	msg := (&LimitError{Limit: "Connections", Max: cap(l.slots)}).Error() + "\n"
	return fmt.Appendf(nil, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(msg), msg)
}

// Accept returns the next connection within the limit.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			select {
			case l.refusing <- struct{}{}:
				l.answering.Go(func() {
					defer func() { <-l.refusing }()
					refuse(c, l.refusal())
				})
			default:
				_ = c.Close()
			}
		}
	}
}

// Close stops accepting and waits for the refusals being answered, each
// bounded by refuseTimeout, so that none outlives the server.
func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.answering.Wait()
	return err
}

// refuse answers c with the refusal and closes it. It reads what the
// client sent first, so that closing does not reset the connection before
// the client reads the answer.
func refuse(c net.Conn, refusal []byte) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(refuseTimeout))
	if _, err := c.Write(refusal); err != nil {
		return
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
}

// limitConn gives its slot back when closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

// Close closes the connection and frees its slot.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// SetLinger sets the linger of a TCP connection (see
// net.TCPConn.SetLinger), for the reset fault.
func (c *limitConn) SetLinger(sec int) error {
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		return tc.SetLinger(sec)
	}
	return nil
}
