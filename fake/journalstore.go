package fake

import (
	"net/http"
	"strings"
	"sync"
)

// journalEntryCost is what a journal entry costs beyond its strings: the
// Request value, its slice header and the allocations of its strings.
const journalEntryCost = 256

// journal is a bounded, ordered record of requests: a queue that drops its
// oldest entries to stay within maxEntries and maxBytes (0 or less: none).
type journal struct {
	mu         sync.Mutex
	maxEntries int
	maxBytes   int
	buf        []Request // buf[head:] are the entries, oldest first
	head       int
	bytes      int // the cost of buf[head:]
	memory     memoryReleaser
}

func newJournal(l Limits) *journal {
	return &journal{maxEntries: l.JournalEntries, maxBytes: l.JournalBytes}
}

// add cuts r to MaxJournalPathBytes and appends it, dropping the oldest
// entries past the limits. The newest entry is always kept.
func (j *journal) add(r *Request) {
	cutEntry(r)
	// The strings from the request are copied: a method, a path or an
	// operation name may share the memory of a much larger request (the
	// method shares the request line, long path included).
	e := *r
	e.Method = cloneMethod(r.Method)
	e.Path = strings.Clone(r.Path)
	e.Operations = make([]string, len(r.Operations))
	for i, op := range r.Operations {
		e.Operations[i] = strings.Clone(op)
	}
	if len(e.Operations) == 0 {
		e.Operations = nil
	}
	size := entryCost(&e)
	j.mu.Lock()
	defer j.mu.Unlock()
	j.buf = append(j.buf, e)
	j.bytes += size
	for n := len(j.buf) - j.head; n > 1 && (j.maxEntries > 0 && n > j.maxEntries || j.maxBytes > 0 && j.bytes > j.maxBytes); n-- {
		j.bytes -= entryCost(&j.buf[j.head])
		j.buf[j.head] = Request{}
		j.head++
	}
	// Move the entries down once half the array is dropped ones, so that
	// the array stays within twice the entries kept.
	if j.head > 0 && j.head >= len(j.buf)-j.head {
		n := copy(j.buf, j.buf[j.head:])
		clear(j.buf[n:])
		j.buf, j.head = j.buf[:n], 0
	}
}

// clear empties the journal and lets its memory go: when it held at least
// releaseThreshold, back to the operating system at once.
func (j *journal) clear() {
	j.mu.Lock()
	dropped := j.bytes
	j.buf, j.head, j.bytes = nil, 0, 0
	j.mu.Unlock()
	if dropped >= releaseThreshold {
		j.memory.release()
	}
}

// each calls fn on every entry, oldest first.
func (j *journal) each(fn func(*Request)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := j.head; i < len(j.buf); i++ {
		fn(&j.buf[i])
	}
}

// entryCost is what r counts against Limits.JournalBytes.
func entryCost(r *Request) int {
	n := journalEntryCost + len(r.API) + len(r.Method) + len(r.Path) + len(r.Rule) + len(r.Fault)
	for _, op := range r.Operations {
		n += len(op) + 16
	}
	return n
}

// cutEntry cuts r's path and operation names to MaxJournalPathBytes,
// marking r Truncated if it cut anything.
func cutEntry(r *Request) {
	if len(r.Path) > MaxJournalPathBytes {
		r.Path = cutUTF8(r.Path, MaxJournalPathBytes)
		r.Truncated = true
	}
	total := 0
	for i, op := range r.Operations {
		total += len(op)
		if total > MaxJournalPathBytes {
			r.Operations = r.Operations[:i]
			r.Truncated = true
			break
		}
	}
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// cloneMethod returns a copy of method that shares no memory with the
// request: a standard method's own constant, any other a clone.
func cloneMethod(method string) string {
	switch method {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodPost:
		return http.MethodPost
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodHead:
		return http.MethodHead
	case http.MethodOptions:
		return http.MethodOptions
	}
	return strings.Clone(method)
}
