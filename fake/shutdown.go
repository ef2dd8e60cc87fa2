package fake

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Shutdown stops the server gracefully, with the contract of
// http.Server.Shutdown: it stops accepting connections at once, closes
// idle ones, and waits until every request in flight, scripted delays
// included, has been answered. If ctx ends first, Shutdown cuts the rest:
// scripted delays still running end at once, without an answer, every
// connection is closed (a request whose body is still arriving included),
// and once the handlers have returned it returns ctx's error. A server
// made without a listener has nothing to shut down.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.ts == nil {
		return nil
	}
	// http.Server.Shutdown notices that the last request is answered by
	// polling, at intervals that grow to half a second; the connection
	// states tell at once.
	quiet := s.conns.quiet()
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.ts.Config.Shutdown(sctx) }()
	var err error
	select {
	case err = <-done:
	case <-quiet:
		cancel()
		<-done
		err = ctx.Err()
	}
	if err != nil {
		// Cut what is left, including a request whose body is still
		// being sent.
		s.closeOnce.Do(func() { close(s.closing) })
		s.ts.CloseClientConnections()
	}
	s.Close()
	return err
}

// connTracker follows the server's connections, to tell when none is
// busy: none is reading, or waiting for, a request's headers, and none has
// a request in flight.
type connTracker struct {
	mu     sync.Mutex
	busy   map[net.Conn]bool
	waiter chan struct{} // closed when busy empties
}

// track is the http.Server's ConnState hook.
func (t *connTracker) track(c net.Conn, state http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch state {
	case http.StateNew, http.StateActive:
		if t.busy == nil {
			t.busy = map[net.Conn]bool{}
		}
		t.busy[c] = true
	default:
		delete(t.busy, c)
	}
	if len(t.busy) == 0 && t.waiter != nil {
		close(t.waiter)
		t.waiter = nil
	}
}

// quiet returns a channel closed once no connection is busy.
func (t *connTracker) quiet() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.waiter == nil {
		t.waiter = make(chan struct{})
		if len(t.busy) == 0 {
			close(t.waiter)
			ch := t.waiter
			t.waiter = nil
			return ch
		}
	}
	return t.waiter
}
