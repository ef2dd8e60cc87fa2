package fakecontainer

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestHint(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	tests := []struct {
		name        string
		err         error
		env         map[string]string
		inContainer bool
		want        string
	}{
		{"reaper pull", errors.New("create reaper: pull testcontainers/ryuk:0.13.0: no such host"), nil, false,
			"the reaper image (Ryuk) comes from a registry: set TESTCONTAINERS_RYUK_DISABLED=true"},
		{"reaper with the setting", errors.New("reaper: broken"), map[string]string{"TESTCONTAINERS_RYUK_DISABLED": "true"}, false, ""},
		{"image missing", errors.New("Error response from daemon: pull access denied for tokenfake/fakeserver, repository does not exist"), nil, false,
			"the fakeserver image is not published: build it first with fakecontainer.BuildImage"},
		{"image looked up in an unreachable registry", errors.New(`generic container: create container: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`), nil, false,
			"the fakeserver image is not published: build it first with fakecontainer.BuildImage"},
		{"wait timeout in a container", fmt.Errorf("wait until ready: %w", context.DeadlineExceeded), nil, true,
			"the server did not answer on its published port from inside this container: if the Docker engine runs on this machine, set TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"},
		{"wait timeout on a host", fmt.Errorf("wait until ready: %w", context.DeadlineExceeded), nil, false, ""},
		{"wait timeout with the override", context.DeadlineExceeded, map[string]string{"TESTCONTAINERS_HOST_OVERRIDE": "127.0.0.1"}, true, ""},
		{"other", errors.New("port is already allocated"), nil, true, ""},
	}
	for _, tt := range tests {
		if got := hint(tt.err, env(tt.env), tt.inContainer); got != tt.want {
			t.Errorf("%s: hint = %q, want %q", tt.name, got, tt.want)
		}
	}
}
