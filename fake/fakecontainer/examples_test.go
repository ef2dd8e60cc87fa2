package fakecontainer_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/testcontainers/testcontainers-go"

	"github.com/tokenfake/tokenfake/fake/fakecontainer"
	"github.com/tokenfake/tokenfake/fixtures"
)

// Start a fakeserver container and call the Unleash API in it. The image is
// built beforehand (see BuildImage); Docker is needed, so this example is
// compiled but not run by go test.
func ExampleRun() {
	ctx := context.Background()
	ctr, err := fakecontainer.Run(ctx, fakecontainer.DefaultImage,
		fakecontainer.WithSeed(42),
		fakecontainer.WithScenario("rate-limit"),
		fakecontainer.WithoutCryptlexRateLimit(),
	)
	defer func() {
		if err := testcontainers.TerminateContainer(ctr); err != nil {
			log.Printf("terminate: %v", err)
		}
	}()
	if err != nil {
		log.Printf("start fakeserver: %v", err)
		return
	}
	url, err := ctr.URL(ctx)
	if err != nil {
		log.Printf("url: %v", err)
		return
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/api/admin/user/tokens", nil)
	req.Header.Set("Authorization", fixtures.UnleashToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Printf("call: %v", err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status) // 429 Too Many Requests: the rate-limit scenario answers first
}

// Build the image from a checkout of tokenfake, then run it with your own
// fixtures and a scenario file mounted in.
func ExampleBuildImage() {
	ctx := context.Background()
	if err := fakecontainer.BuildImage(ctx, ".", fakecontainer.DefaultImage, os.Stderr); err != nil {
		log.Printf("build: %v", err)
		return
	}
	ctr, err := fakecontainer.Run(ctx, fakecontainer.DefaultImage,
		fakecontainer.WithFixtures("testdata/fixtures"),
		fakecontainer.WithScenario("testdata/throttled.yaml"),
	)
	defer func() { _ = testcontainers.TerminateContainer(ctr) }()
	if err != nil {
		log.Printf("start fakeserver: %v", err)
		return
	}
	url, _ := ctr.URL(ctx)
	fmt.Println(strings.HasPrefix(url, "http://"))
}

// Options are checked before any container starts, so a mistake costs no
// Docker round trip. This example runs without Docker.
func ExampleWithScenario() {
	_, err := fakecontainer.Run(context.Background(), fakecontainer.DefaultImage,
		fakecontainer.WithScenario("no-such-scenario"))
	fmt.Println(strings.HasPrefix(err.Error(), `run fakeserver: scenario "no-such-scenario" is neither built in nor a readable file`))
	// Output: true
}

// Reset puts the server back to its fixtures between tests that share one
// container.
func ExampleContainer_Reset() {
	ctx := context.Background()
	ctr, err := fakecontainer.Run(ctx, fakecontainer.DefaultImage, fakecontainer.WithAdminToken("s3cret"))
	defer func() { _ = testcontainers.TerminateContainer(ctr) }()
	if err != nil {
		log.Printf("start fakeserver: %v", err)
		return
	}
	// ... a test creates tokens ...
	if err := ctr.Reset(ctx); err != nil {
		log.Printf("reset: %v", err)
	}
}
