package fakecontainer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/testcontainers/testcontainers-go"
)

// BuildImage builds the fakeserver image from a tokenfake source tree and
// tags it tag (such as DefaultImage). It compiles the static binary with
// the go command into a temporary directory, then builds srcDir's
// Dockerfile there, so nothing is pulled from a registry. srcDir is the
// directory holding tokenfake's go.mod; in a module that depends on
// tokenfake it is printed by
//
//	go list -m -f '{{.Dir}}' github.com/tokenfake/tokenfake
//
// BuildImage needs the go command and a Docker engine; it takes a few
// seconds with a warm Go build cache, and can take minutes with empty
// caches: give ctx room for that (an error says when ctx ended the build).
// Build logs are written to logs (nil discards them).
func BuildImage(ctx context.Context, srcDir, tag string, logs io.Writer) error {
	if err := buildImage(ctx, srcDir, tag, logs); err != nil {
		return fmt.Errorf("build fakeserver image: %w", err)
	}
	return nil
}

func buildImage(ctx context.Context, srcDir, tag string, logs io.Writer) error {
	if logs == nil {
		logs = io.Discard
	}
	i := strings.LastIndex(tag, ":")
	repo, version := tag[:max(i, 0)], tag[i+1:]
	if i < 0 || repo == "" || version == "" || strings.Contains(version, "/") {
		return fmt.Errorf("tag %q: want REPOSITORY:TAG", tag)
	}
	dockerfile, err := os.ReadFile(filepath.Join(srcDir, "Dockerfile"))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "fakeserver-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), dockerfile, 0o644); err != nil {
		return err
	}
	var out bytes.Buffer
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w",
		"-o", filepath.Join(dir, "fakeserver"), "./cmd/fakeserver")
	build.Dir = srcDir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	build.Stdout, build.Stderr = &out, &out
	if err := build.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("go build: stopped when the context ended (%w): a first build with empty Go caches "+
				"downloads and compiles every dependency and can take minutes, so allow more time", ctx.Err())
		}
		return fmt.Errorf("go build: %w: %s", err, strings.TrimSpace(out.String()))
	}
	provider, err := testcontainers.NewDockerProvider()
	if err != nil {
		return err
	}
	defer provider.Close()
	_, err = provider.BuildImage(ctx, &testcontainers.ContainerRequest{
		FromDockerfile: testcontainers.FromDockerfile{
			Context:        dir,
			Repo:           repo,
			Tag:            version,
			KeepImage:      true,
			BuildLogWriter: logs,
		},
	})
	return err
}
