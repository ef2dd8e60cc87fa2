package fake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/tokenfake/tokenfake/fixtures"
)

// FixtureFiles returns the names of the files a fixture directory may hold:
// one JSON file per vendor API and the key that signs Cryptlex tokens
// (package fixtures describes them). A directory needs at least one of
// them; a vendor whose file is missing starts with no data.
func FixtureFiles() []string {
	return []string{"logscale.json", "unleash.json", "cryptlex.json", "cryptlex-signing-key.pem"}
}

// CheckFixturesDir reports which of FixtureFiles the directory dir holds.
// It fails when dir cannot be read, when it holds none of them, or when it
// holds a file whose name is close to a missing one (such as LogScale.json),
// naming the file it may have meant. WithFixturesDir, fakeserver -fixtures
// and the container module run the same check.
func CheckFixturesDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("fixture directory: %w", err)
	}
	files, err := checkFixtureEntries(entries, true)
	if err != nil {
		return nil, fmt.Errorf("fixture directory %s: %w", dir, err)
	}
	return files, nil
}

// checkFixtureSet checks the fixtures of a server: the directory named
// name, or else the file system fsys, which may be empty (a data set with
// no data, as tests of an empty server want) but may not hold a misnamed
// fixture file.
func checkFixtureSet(fsys fs.FS, name string) ([]string, error) {
	if name != "" {
		return CheckFixturesDir(name)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	files, err := checkFixtureEntries(entries, false)
	if err != nil {
		return nil, fmt.Errorf("fixtures: %w", err)
	}
	return files, nil
}

// defaultFixtureFiles is what checkFixtureSet returns for the embedded
// default fixtures, which never change: it is read once per process.
var defaultFixtureFiles = sync.OnceValues(func() ([]string, error) { return checkFixtureSet(fixtures.FS(), "") })

func checkFixtureEntries(entries []fs.DirEntry, needOne bool) ([]string, error) {
	known := FixtureFiles()
	var found, others []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if slices.Contains(known, e.Name()) {
			found = append(found, e.Name())
		} else {
			others = append(others, e.Name())
		}
	}
	for _, name := range others {
		if meant := closeTo(name, known); meant != "" && !slices.Contains(found, meant) {
			return nil, fmt.Errorf("%s is not a fixture file name: did you mean %s?", name, meant)
		}
	}
	if needOne && len(found) == 0 {
		return nil, errors.New("holds none of the fixture files " + strings.Join(known, ", "))
	}
	return found, nil
}

// closeTo returns the name in names that name looks like a misspelling of
// (another letter case, or at most two letters changed), or "".
func closeTo(name string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(name, n) || editDistance(strings.ToLower(name), n) <= 2 {
			return n
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
