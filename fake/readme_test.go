package fake_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmeGoExamples checks that the Go examples of the README are the
// files that compile and run: the quick start is quickstart_test.go, the
// container example docs/examples/container/container_test.go (compiled by
// .ci/run with go vet -tags docexamples). Both are compared from their
// import block on; the README's package clause names the user's package.
func TestReadmeGoExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```\n").FindAllStringSubmatch(string(readme), -1)
	files := []string{"quickstart_test.go", "../docs/examples/container/container_test.go"}
	if len(blocks) != len(files) {
		t.Fatalf("the README has %d Go blocks, want %d (%v)", len(blocks), len(files), files)
	}
	fromImports := func(s string) string {
		if i := strings.Index(s, "import ("); i >= 0 {
			s = s[i:]
		}
		// The repository's copy documents its test function for the reader
		// of the source.
		return regexp.MustCompile(`(?m)^// TestQuickStart .*\n`).ReplaceAllString(s, "")
	}
	for i, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fromImports(string(data)), fromImports(blocks[i][1])); diff != "" {
			t.Errorf("README Go block %d differs from %s (-file +README):\n%s", i+1, file, diff)
		}
	}
}
