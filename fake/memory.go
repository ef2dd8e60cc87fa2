package fake

import (
	"runtime/debug"
	"sync"
)

// releaseThreshold is how much a drop must free for its memory to be
// handed back to the operating system at once rather than at the Go
// runtime's own pace (the next collection, then background scavenging,
// which on an idle server can take minutes).
const releaseThreshold = 4 << 20

// memoryReleaser hands freed memory back to the operating system in the
// background. Releases asked for while one runs are folded into one more
// run, so that a burst of drops costs at most two.
type memoryReleaser struct {
	mu      sync.Mutex
	running bool
	again   bool
	done    sync.WaitGroup // the release running, if any
}

// release starts a release unless one is running, in which case that one
// runs once more when it is done.
func (m *memoryReleaser) release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running {
		m.again = true
		return
	}
	m.running = true
	m.done.Go(func() {
		for {
			debug.FreeOSMemory()
			m.mu.Lock()
			if !m.again {
				m.running = false
				m.mu.Unlock()
				return
			}
			m.again = false
			m.mu.Unlock()
		}
	})
}

// wait returns when no release runs.
func (m *memoryReleaser) wait() { m.done.Wait() }

// releaseMemory hands the memory freed so far back to the operating system
// in the background (see memoryReleaser).
func (s *Server) releaseMemory() { s.journal.memory.release() }
