package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"sync"
)

// entryPrefix matches an error that starts with the entry it is about,
// such as "tokens[3]: " or "views[1].connections[0]: ".
var entryPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([A-Za-z]\w*\[\d+\](?:\.[A-Za-z]\w*|\[\d+\])*): `)
})

// entrySegment is one step of an entry's path: a member name or an index.
var entrySegment = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z]\w*)|\[(\d+)\]`)
})

// FixtureError is err, found while checking the decoded fixture file name
// of fsys, as a start-up error: it names the file and, when err's message
// starts with the entry it is about (such as "tokens[3]: "), the line and
// column where that entry starts, as decoding errors do.
func FixtureError(fsys fs.FS, name string, err error) error {
	m := entryPrefix().FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	data, rerr := fs.ReadFile(fsys, name)
	if rerr != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	off, ok := entryOffset(data, m[1])
	if !ok {
		return fmt.Errorf("%s: %w", name, err)
	}
	line, col := lineColumn(data, off+1)
	return fmt.Errorf("%s: line %d, column %d: %w", name, line, col, err)
}

// entryOffset returns the offset in data of the first byte of the value at
// path (such as "tokens[3]"), or false if data has no such value.
func entryOffset(data []byte, path string) (int64, bool) {
	var want []string
	for _, s := range entrySegment().FindAllStringSubmatch(path, -1) {
		want = append(want, s[1]+s[2])
	}
	// frame is a container being read: an object with the member whose
	// value comes next, or an array with the index of its next element.
	type frame struct {
		array bool
		step  string
		index int
	}
	var stack []*frame
	done := func() { // a value of the innermost container is read
		if n := len(stack); n > 0 && stack[n-1].array {
			stack[n-1].index++
		}
	}
	at := func() bool { // the next value is the one at path
		if len(stack) != len(want) {
			return false
		}
		for i, f := range stack {
			step := f.step
			if f.array {
				step = strconv.Itoa(f.index)
			}
			if step != want[i] {
				return false
			}
		}
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	expectKey := false
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			done()
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
			continue
		}
		if expectKey {
			stack[len(stack)-1].step, expectKey = tok.(string), false
			continue
		}
		if at() {
			return valueStart(data, off), true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{})
			expectKey = true
		case json.Delim('['):
			stack = append(stack, &frame{array: true})
		default:
			done()
			expectKey = len(stack) > 0 && !stack[len(stack)-1].array
		}
	}
}

// valueStart skips the white space and separators at off in data.
func valueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n:,"), data[off]) >= 0 {
		off++
	}
	return off
}
