package fake

import "context"

// Shutdown stops the server gracefully, with the contract of
// http.Server.Shutdown: it stops accepting connections at once, closes
// idle ones, and waits until every request in flight, scripted delays
// included, has been answered. If ctx ends first, Shutdown closes the
// server: scripted delays still running end at once, without an answer,
// every connection is closed (a request whose body is still arriving
// included), and once the handlers have returned it returns ctx's error.
// A server made without a listener has nothing to shut down.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.ts == nil {
		return nil
	}
	err := s.ts.Config.Shutdown(ctx)
	if err != nil {
		// Cut what is left, including a request whose body is still
		// being sent.
		s.closeOnce.Do(func() { close(s.closing) })
		s.ts.CloseClientConnections()
	}
	s.Close()
	return err
}
