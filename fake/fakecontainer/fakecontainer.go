// Package fakecontainer is a testcontainers-go module for the fakeserver
// image: tokenfake's fake of the LogScale, Unleash and Cryptlex token APIs
// as a container, for test suites that want it out of process or share it
// with code in other languages.
//
//	ctr, err := fakecontainer.Run(ctx, "tokenfake/fakeserver:latest", fakecontainer.WithSeed(42))
//	defer testcontainers.TerminateContainer(ctr)
//	if err != nil { ... }
//	url, err := ctr.URL(ctx) // http://127.0.0.1:32771: /graphql, /api/admin/user/tokens, ...
//
// The image is not published: build it from this repository with
// BuildImage or with the two commands in the README.
//
// The server keeps its state in memory: a container that stops takes the
// tokens created, the rules and the journal with it, and the next one
// serves the fixtures again. With WithSeed, the same creates after a
// restart reissue the same token strings, so a token kept from an earlier
// container with that seed authenticates again. WithLimits sets the bounds
// on what input can grow (see docs/limits.md).
package fakecontainer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/internal/envvar"
)

const (
	// Port is the container port the server listens on.
	Port = "8080/tcp"
	// HealthPath is the endpoint Run waits for.
	HealthPath = fake.HealthPath
	// FixturesDir is where WithFixtures puts the fixture files.
	FixturesDir = "/fixtures"
	// ScenariosDir is where WithScenario puts scenario files.
	ScenariosDir = "/scenarios"
	// DefaultImage is the tag the README's build commands give the image.
	DefaultImage = "tokenfake/fakeserver:latest"
)

// Container is a running fakeserver container.
type Container struct {
	testcontainers.Container
	adminToken string
}

// Run starts a fakeserver container from img and waits until GET
// /_fake/health answers 200. The image must have been built (BuildImage);
// an error that a testcontainers setting would avoid names it
// (TESTCONTAINERS_RYUK_DISABLED, TESTCONTAINERS_HOST_OVERRIDE). opts are this package's Options and any
// testcontainers.ContainerCustomizer (those given later win). Options are
// checked before any container starts. Run returns the container even with
// an error, when one was created, so that the caller can terminate it.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	var settings options
	for _, opt := range opts {
		if o, ok := opt.(Option); ok {
			if err := o(&settings); err != nil {
				return nil, fmt.Errorf("run fakeserver: %w", err)
			}
		}
	}
	var files []testcontainers.ContainerFile
	for _, f := range append(settings.fixtures, settings.files...) {
		files = append(files, testcontainers.ContainerFile{
			Reader: bytes.NewReader(f.data), ContainerFilePath: f.path, FileMode: 0o644,
		})
	}
	moduleOpts := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(Port),
		testcontainers.WithEnv(settings.env()),
		testcontainers.WithWaitStrategy(wait.ForHTTP(HealthPath).WithPort(Port).
			WithPollInterval(50 * time.Millisecond).WithStartupTimeout(30 * time.Second)),
	}
	if len(files) > 0 {
		moduleOpts = append(moduleOpts, testcontainers.WithFiles(files...))
	}
	ctr, err := testcontainers.Run(ctx, img, append(moduleOpts, opts...)...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr, adminToken: settings.adminToken}
	}
	if err != nil {
		if c != nil {
			if said := c.lastWords(ctx); said != "" {
				return c, fmt.Errorf("run fakeserver: %w (the server said: %s)", err, said)
			}
		}
		return c, fmt.Errorf("run fakeserver: %w%s", err, hintSuffix(err))
	}
	return c, nil
}

// lastWords returns the message of a server that refused to start (the
// last "fakeserver: ..." line it wrote), if any.
func (c *Container) lastWords(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	logs, err := c.Logs(ctx)
	if err != nil {
		return ""
	}
	defer logs.Close()
	var last string
	s := bufio.NewScanner(logs)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); strings.HasPrefix(line, "fakeserver: ") {
			last = line
		}
	}
	return last
}

// URL returns the base URL of the server as seen from the host, such as
// "http://127.0.0.1:32771". A container on the host's network (network mode
// "host") is reached at the port of its FAKESERVER_ADDR, if it sets one.
func (c *Container) URL(ctx context.Context) (string, error) {
	inspect, err := c.Inspect(ctx)
	if err != nil {
		return "", fmt.Errorf("fakeserver url: %w", err)
	}
	if inspect.HostConfig != nil && inspect.HostConfig.NetworkMode == "host" && inspect.Config != nil {
		for _, kv := range inspect.Config.Env {
			if addr, ok := strings.CutPrefix(kv, envvar.Addr+"="); ok {
				if _, port, err := net.SplitHostPort(addr); err == nil {
					host, err := c.Host(ctx)
					if err != nil {
						return "", fmt.Errorf("fakeserver url: %w", err)
					}
					return "http://" + net.JoinHostPort(host, port), nil
				}
			}
		}
	}
	endpoint, err := c.PortEndpoint(ctx, Port, "http")
	if err != nil {
		return "", fmt.Errorf("fakeserver url: %w", err)
	}
	return endpoint, nil
}

// Reset puts the server back the way it started (POST /_fake/reset):
// fixtures reloaded, scenarios given at start reloaded, others cleared,
// journal emptied, clock and id generator rewound.
func (c *Container) Reset(ctx context.Context) error {
	return c.admin(ctx, http.MethodPost, "/_fake/reset")
}

// ActivateScenario activates the built-in scenario name (PUT
// /_fake/scenarios/{name}); its rules apply after those already loaded.
func (c *Container) ActivateScenario(ctx context.Context, name string) error {
	return c.admin(ctx, http.MethodPut, "/_fake/scenarios/"+url.PathEscape(name))
}

// Deliveries returns the server's webhook delivery log (GET
// /_fake/webhooks/deliveries), as fake.Server.Deliveries does.
func (c *Container) Deliveries(ctx context.Context) ([]fake.Delivery, error) {
	return c.deliveries(ctx, http.MethodGet, "/_fake/webhooks/deliveries")
}

// WaitDeliveries returns once every webhook delivery that is due has been
// attempted (POST /_fake/webhooks/flush), as fake.Server.WaitDeliveries
// does, and answers with the delivery log. The server waits at most a
// minute.
func (c *Container) WaitDeliveries(ctx context.Context) ([]fake.Delivery, error) {
	return c.deliveries(ctx, http.MethodPost, "/_fake/webhooks/flush")
}

func (c *Container) deliveries(ctx context.Context, method, path string) ([]fake.Delivery, error) {
	var body struct {
		Deliveries []fake.Delivery `json:"deliveries"`
	}
	if err := c.adminJSON(ctx, method, path, &body); err != nil {
		return nil, err
	}
	return body.Deliveries, nil
}

// admin calls the admin API and checks for a 2xx answer.
func (c *Container) admin(ctx context.Context, method, path string) error {
	return c.adminJSON(ctx, method, path, nil)
}

// adminJSON calls the admin API, checks for a 2xx answer and decodes its
// JSON body into out, unless out is nil.
func (c *Container) adminJSON(ctx context.Context, method, path string, out any) error {
	base, err := c.URL(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
	if err != nil {
		return fmt.Errorf("fakeserver %s %s: %w", method, path, err)
	}
	if c.adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.adminToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("fakeserver %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("fakeserver %s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(body)))
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("fakeserver %s %s: decode the answer: %w", method, path, err)
		}
	}
	return nil
}
