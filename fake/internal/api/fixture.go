package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/tokenfake/tokenfake/fixtures"
)

// IsDefaultFixtures reports whether fsys is the default fixtures,
// fixtures.FS(). They are embedded in the binary and never change, so an
// API may decode them once per process and share the result, read-only,
// between all its instances.
func IsDefaultFixtures(fsys fs.FS) bool { return fsys == fixtures.FS() }

// ReadFixture decodes the JSON file name of fsys into v. Decoding is strict:
// an unknown field or data after the top-level value is an error, and syntax
// and type errors say on which line and column they are, an unknown field
// also on which entry (such as tokens[3].expiresAt). Every error names
// the file. A file that does not exist leaves v alone and reports false.
func ReadFixture(fsys fs.FS, name string, v any) (bool, error) {
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return false, fmt.Errorf("%s: %w", name, DescribeJSONError(data, describeUnknownField(data, v, err)))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("%s: unexpected data after the top-level object", name)
	}
	return true, nil
}

// DescribeJSONError adds the line and column where decoding data stopped to
// a JSON syntax or type error, or to input that ends too soon; other errors
// come back unchanged.
func DescribeJSONError(data []byte, err error) error {
	var offset int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		offset = syn.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		offset = int64(len(data))
		err = errors.New("unexpected end of JSON input")
	}
	if offset < 0 || offset > int64(len(data)) {
		return err
	}
	// The offset counts the bytes read, the offending one included.
	line, col := lineColumn(data, offset)
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
