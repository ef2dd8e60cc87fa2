package fake_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
)

// heapInUse returns the bytes of heap in use once garbage is collected.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC() // the second collection frees what the first one's finalizers left
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// checkHeapReturns fails t unless what grow adds to the heap (at least
// minGrowth bytes) is mostly gone again after release. It measures the
// heap of the whole process, so the test that calls it must not run in
// parallel with others.
func checkHeapReturns(t *testing.T, minGrowth uint64, grow, release func()) {
	t.Helper()
	base := heapInUse()
	grow()
	full := heapInUse()
	if full < base+minGrowth {
		t.Fatalf("heap grew from %d to %d bytes: less than the %d the test needs to see it return", base, full, minGrowth)
	}
	release()
	after := heapInUse()
	t.Logf("heap in use: %d MiB idle, %d MiB full, %d MiB after release", base>>20, full>>20, after>>20)
	if after > base+(full-base)/10 {
		t.Errorf("heap in use %d bytes after release; %d before the growth, %d at its peak: less than 90%% returned", after, base, full)
	}
}

func serve(t *testing.T, h http.Handler, method, path string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	if rec.Code >= 500 {
		t.Fatalf("%s %s: %d", method, path, rec.Code)
	}
}

func TestMemoryReturnsAfterClearingTheJournal(t *testing.T) {
	// Not parallel: it measures the process's heap.
	srv := fake.Start(t, fake.WithLimits(fake.Limits{JournalEntries: 40000, JournalBytes: 128 << 20}))
	h := srv.Handler()
	path := "/x/" + strings.Repeat("a", fake.MaxJournalPathBytes)
	checkHeapReturns(t, 24<<20, func() {
		for i := range 30000 {
			serve(t, h, "GET", fmt.Sprintf("%s/%d", path, i))
		}
	}, func() {
		serve(t, h, "DELETE", "/_fake/requests")
		if n := srv.Count(fake.Filter{}); n != 0 {
			t.Fatalf("journal has %d entries after DELETE /_fake/requests", n)
		}
	})
}

func TestMemoryReturnsAfterReset(t *testing.T) {
	// Not parallel: it measures the process's heap.
	srv := fake.Start(t)
	h := srv.Handler()
	checkHeapReturns(t, 8<<20, func() {
		createLogScaleTokens(t, srv, fake.DefaultLimits().LogScaleTokens-100)
		rules := make([]fake.Rule, fake.DefaultLimits().Rules)
		for i := range rules {
			rules[i] = fake.Rule{Match: fake.Match{Path: fmt.Sprintf("/never/%d/{rest...}", i)}, Respond: fake.Response{Status: 500}}
		}
		script(t, srv, rules...)
		for i := range 5000 {
			serve(t, h, "GET", fmt.Sprintf("/x/%0900d", i))
		}
	}, func() {
		serve(t, h, "POST", "/_fake/reset")
	})
}

func TestJournalBytesBoundTheHeap(t *testing.T) {
	// Not parallel: it measures the process's heap.
	const journalBytes = 16 << 20
	srv := fake.Start(t, fake.WithLimits(fake.Limits{JournalEntries: -1, JournalBytes: journalBytes}))
	h := srv.Handler()
	path := "/x/" + strings.Repeat("a", 4*fake.MaxJournalPathBytes)
	base := heapInUse()
	for i := range 30000 { // more than fit
		serve(t, h, "GET", fmt.Sprintf("%s/%d", path, i))
	}
	grown := heapInUse() - base
	t.Logf("heap grew by %d KiB for a journal bounded at %d KiB (%d entries)", grown>>10, journalBytes>>10, srv.Count(fake.Filter{}))
	// The bound counts each entry's strings and a fixed cost; the heap may
	// exceed it by the journal's spare array capacity and allocator
	// rounding, not by the size of the requests.
	if grown > journalBytes*3/2 {
		t.Errorf("heap grew by %d bytes for a journal bounded at %d", grown, journalBytes)
	}
}
