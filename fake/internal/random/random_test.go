package random_test

import (
	"regexp"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/random"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func draw(s *random.Source) []string {
	return []string{s.String(random.Alnum, 32), s.UUID(), s.String(random.LowerHex, 56)}
}

func TestSameSeedSameSequence(t *testing.T) {
	t.Parallel()
	a, b := draw(random.New(42)), draw(random.New(42))
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("draw %d: %q and %q from the same seed", i, a[i], b[i])
		}
	}
	if c := draw(random.New(43)); c[0] == a[0] {
		t.Errorf("seeds 42 and 43 both drew %q", c[0])
	}
}

func TestResetRewinds(t *testing.T) {
	t.Parallel()
	s := random.New(7)
	first := draw(s)
	s.Reset()
	again := draw(s)
	for i := range first {
		if first[i] != again[i] {
			t.Errorf("draw %d after Reset: %q, want %q", i, again[i], first[i])
		}
	}
}

func TestSeedZeroDrawsASeed(t *testing.T) {
	t.Parallel()
	a, b := random.New(0), random.New(0)
	if a.Seed() == 0 || a.Seed() == b.Seed() {
		t.Errorf("seeds drawn for 0: %d and %d", a.Seed(), b.Seed())
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	s := random.New(1)
	for range 100 {
		if u := s.UUID(); !uuidV4.MatchString(u) {
			t.Fatalf("UUID() = %q, not a version 4 UUID", u)
		}
		if h := s.String(random.LowerHex, 56); !regexp.MustCompile(`^[0-9a-f]{56}$`).MatchString(h) {
			t.Fatalf("String(LowerHex, 56) = %q", h)
		}
	}
}

func TestDeriveIsRepeatableAndIndependent(t *testing.T) {
	t.Parallel()
	parent, twin := random.New(42), random.New(42)
	d := parent.Derive(7)
	want := draw(twin)
	first := draw(d) // drawing from the derived source must not move parent
	if got := draw(parent); got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("parent drew %q after the derived source drew, want %q", got, want)
	}
	if again := draw(random.New(42).Derive(7)); again[0] != first[0] {
		t.Errorf("same seed and label drew %q and %q", first[0], again[0])
	}
	if other := draw(random.New(42).Derive(8)); other[0] == first[0] {
		t.Errorf("labels 7 and 8 both drew %q", first[0])
	}
	if same := draw(random.New(42)); same[0] == first[0] {
		t.Errorf("the derived source repeats its parent: %q", first[0])
	}
	d.Reset()
	if got := draw(d); got[0] != first[0] {
		t.Errorf("after Reset the derived source drew %q, want %q", got[0], first[0])
	}
}
