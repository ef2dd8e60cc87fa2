package logscale_test

import (
	"testing"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/logscale"
	"github.com/tokenfake/tokenfake/fake/internal/random"
	"github.com/tokenfake/tokenfake/fixtures"
)

// BenchmarkNew measures building the API from the default fixtures.
func BenchmarkNew(b *testing.B) {
	env := api.Env{Now: time.Now, Random: random.New(1), Fixtures: fixtures.FS()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := logscale.New(env); err != nil {
			b.Fatal(err)
		}
	}
}
