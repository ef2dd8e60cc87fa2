package cli

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// slowWriter records each write it gets and holds every write until
// release is closed, so that lines pile up behind it.
type slowWriter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	writes  int
	release chan struct{}
}

func (w *slowWriter) Write(p []byte) (int, error) {
	<-w.release
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.buf.Write(p)
}

func TestLogWriterKeepsOrderAndJoinsWrites(t *testing.T) {
	t.Parallel()
	out := &slowWriter{release: make(chan struct{})}
	w := newLogWriter(out)
	const lines = 1000
	var want strings.Builder
	for i := range lines {
		line := fmt.Sprintf("line %d\n", i)
		want.WriteString(line)
		if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	close(out.release)
	w.Close()
	if got := out.buf.String(); got != want.String() {
		t.Errorf("written:\n%s\nwant:\n%s", got, want.String())
	}
	if out.writes >= lines {
		t.Errorf("%d writes for %d lines written while the output was busy", out.writes, lines)
	}
	if _, err := w.Write([]byte("after close\n")); err != nil || !strings.HasSuffix(out.buf.String(), "after close\n") {
		t.Errorf("a write after Close: %v, output ends %q", err, out.buf.String()[max(0, out.buf.Len()-20):])
	}
}

func TestLogWriterBoundsWhatWaits(t *testing.T) {
	t.Parallel()
	out := &slowWriter{release: make(chan struct{})}
	w := newLogWriter(out)
	line := bytes.Repeat([]byte("x"), 1000)
	line[len(line)-1] = '\n'
	wrote := make(chan int)
	go func() {
		n := 0
		for range 3 * maxPendingLog / len(line) {
			_, _ = w.Write(line)
			n++
		}
		wrote <- n
	}()
	// The output takes nothing yet (one write may be under way): once the
	// queue is near its bound, the writer must be waiting, not queueing.
	for {
		w.mu.Lock()
		n := len(w.pending)
		w.mu.Unlock()
		if n > maxPendingLog-len(line) {
			break
		}
		runtime.Gosched()
	}
	w.mu.Lock()
	n := len(w.pending)
	w.mu.Unlock()
	if n > maxPendingLog {
		t.Errorf("%d bytes queued, more than the bound %d", n, maxPendingLog)
	}
	select {
	case n := <-wrote:
		t.Fatalf("all %d writes returned while the output was blocked", n)
	default:
	}
	close(out.release)
	<-wrote
	w.Close()
	if got, want := out.buf.Len(), 3*maxPendingLog/len(line)*len(line); got != want {
		t.Errorf("wrote %d bytes, want %d", got, want)
	}
}
