package fakecontainer_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

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

// Run the server on the host's network, so that it delivers Cryptlex
// webhooks to a receiver on the host's loopback (here 127.0.0.1:9000), and
// wait for the deliveries after a token is created. Docker is needed, so
// this example is compiled but not run by go test.
func ExampleContainer_WaitDeliveries() {
	ctx := context.Background()
	const addr = "127.0.0.1:18080" // a free port of the host: the container shares them
	ctr, err := fakecontainer.Run(ctx, fakecontainer.DefaultImage,
		testcontainers.WithEnv(map[string]string{"FAKESERVER_ADDR": addr}),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) { hc.NetworkMode = "host" }),
		testcontainers.WithWaitStrategy(wait.ForHTTP(fakecontainer.HealthPath).WithPort("18080/tcp")),
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
	url, err := ctr.URL(ctx) // http://127.0.0.1:18080
	if err != nil {
		log.Printf("url: %v", err)
		return
	}
	body := `{"name":"audit","url":"http://127.0.0.1:9000/cryptlex","token":"secret","events":["personalAccessToken.created"]}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v3/webhooks", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fixtures.CryptlexToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Printf("create webhook: %v", err)
		return
	}
	resp.Body.Close()
	// ... the code under test creates a personal access token ...
	deliveries, err := ctr.WaitDeliveries(ctx)
	if err != nil {
		log.Printf("wait: %v", err)
		return
	}
	for _, d := range deliveries {
		fmt.Println(d.Event, d.Attempt, d.Status, d.Error)
	}
}
