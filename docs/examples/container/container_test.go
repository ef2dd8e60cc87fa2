//go:build docexamples

package yours_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tokenfake/tokenfake/fake/fakecontainer"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestMain(m *testing.M) {
	// The directory of tokenfake's source: the module cache, or your clone when go.mod replaces it.
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tokenfake/tokenfake").Output()
	if err != nil {
		log.Fatalf("find tokenfake: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	err = fakecontainer.BuildImage(ctx, strings.TrimSpace(string(dir)), fakecontainer.DefaultImage, os.Stderr)
	cancel()
	if err != nil {
		log.Fatal(err)
	}
	os.Exit(m.Run())
}

func TestWithContainer(t *testing.T) {
	ctx := t.Context()
	ctr, err := fakecontainer.Run(ctx, fakecontainer.DefaultImage, fakecontainer.WithSeed(42))
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatal(err)
	}
	url, err := ctr.URL(ctx) // such as http://127.0.0.1:32771
	if err != nil {
		t.Fatal(err)
	}
	if err := ctr.ActivateScenario(ctx, "server-errors"); err != nil { // 500, 502, 503, then normal answers
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/api/admin/user/tokens", nil)
	req.Header.Set("Authorization", fixtures.UnleashToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 500 {
		t.Errorf("status %d, want 500", res.StatusCode)
	}
}
