package fakecontainer

import (
	"context"
	"errors"
	"os"
	"strings"
)

// hint names the setting to try for an error of Run, or returns "".
// getenv and inContainer describe the environment (os.Getenv, and whether
// a /.dockerenv file exists).
func hint(err error, getenv func(string) string, inContainer bool) string {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "ryuk") || strings.Contains(msg, "reaper"):
		if getenv("TESTCONTAINERS_RYUK_DISABLED") != "true" {
			return "the reaper image (Ryuk) comes from a registry: set TESTCONTAINERS_RYUK_DISABLED=true"
		}
	case strings.Contains(msg, "no such image") || strings.Contains(msg, "pull access denied") ||
		strings.Contains(msg, "repository does not exist") || strings.Contains(msg, "manifest unknown") ||
		strings.Contains(msg, "create container") && strings.Contains(msg, "registry"):
		return "the fakeserver image is not published: build it first with fakecontainer.BuildImage"
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(msg, "deadline exceeded"):
		if inContainer && getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" {
			return "the server did not answer on its published port from inside this container: " +
				"if the Docker engine runs on this machine, set TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
		}
	}
	return ""
}

// hintSuffix is the hint for err in parentheses after a space, or "".
func hintSuffix(err error) string {
	_, statErr := os.Stat("/.dockerenv")
	if h := hint(err, os.Getenv, statErr == nil); h != "" {
		return " (" + h + ")"
	}
	return ""
}
