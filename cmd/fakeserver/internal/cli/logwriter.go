package cli

import (
	"io"
	"sync"
)

// maxPendingLog bounds the log bytes waiting to be written; a writer that
// would go beyond it waits until they have been.
const maxPendingLog = 256 << 10

// logWriter passes what is written to it on to an io.Writer from its own
// goroutine, joining the lines that arrive while the previous write is under
// way into one write. Under load the server then makes one write system
// call for many request lines instead of one each; when idle, each line is
// written at once. Close writes what is left.
type logWriter struct {
	out io.Writer

	mu      sync.Mutex
	cond    *sync.Cond // signalled when pending is taken or closed is set
	pending []byte
	spare   []byte // the buffer the last write used, kept for reuse
	closed  bool
	ready   chan struct{} // holds a token when pending has bytes to write
	done    chan struct{} // closed when the goroutine has returned
}

func newLogWriter(out io.Writer) *logWriter {
	w := &logWriter{out: out, ready: make(chan struct{}, 1), done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go w.run()
	return w
}

// Write queues p to be written. It never fails; after Close it writes p
// itself.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	for !w.closed && len(w.pending) > 0 && len(w.pending)+len(p) > maxPendingLog {
		w.cond.Wait()
	}
	if w.closed {
		w.mu.Unlock()
		<-w.done // what was queued goes first
		return w.out.Write(p)
	}
	w.pending = append(w.pending, p...)
	w.mu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *logWriter) run() {
	defer close(w.done)
	for range w.ready {
		w.mu.Lock()
		buf := w.pending
		w.pending, w.spare = w.spare[:0], nil
		closed := w.closed
		w.cond.Broadcast()
		w.mu.Unlock()
		if len(buf) > 0 {
			_, _ = w.out.Write(buf)
		}
		w.mu.Lock()
		if cap(buf) <= maxPendingLog {
			w.spare = buf[:0]
		}
		w.mu.Unlock()
		if closed {
			return
		}
	}
}

// Close writes what is still queued and returns once it is written; later
// writes go straight through.
func (w *logWriter) Close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.cond.Broadcast()
	w.mu.Unlock()
	// The goroutine takes what is pending and returns; a token already in
	// the channel serves as well as this one.
	select {
	case w.ready <- struct{}{}:
	default:
	}
	<-w.done
}
