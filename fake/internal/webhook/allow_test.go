package webhook_test

import (
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake/internal/webhook"
)

func TestAllowlist(t *testing.T) {
	t.Parallel()
	loopback, err := webhook.NewAllowlist()
	if err != nil {
		t.Fatal(err)
	}
	wider, err := webhook.NewAllowlist("host.docker.internal", " 10.0.0.0/8", "fd00::1", "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host           string
		loopback, wide bool
	}{
		{"127.0.0.1", true, true},
		{"127.1.2.3", true, true},
		{"::1", true, true},
		{"[::1]", true, true},
		{"localhost", true, true},
		{"LOCALHOST.", true, true},
		{"::ffff:127.0.0.1", true, true},
		{"10.1.2.3", false, true},
		{"fd00::1", false, true},
		{"fd00::2", false, false},
		{"host.docker.internal", false, true},
		{"example.com", false, false},
		{"192.168.0.1", false, false},
		{"0.0.0.0", false, false},
	}
	for _, tt := range tests {
		if got := loopback.AllowsHost(tt.host); got != tt.loopback {
			t.Errorf("loopback.AllowsHost(%q) = %v", tt.host, got)
		}
		if got := wider.AllowsHost(tt.host); got != tt.wide {
			t.Errorf("wider.AllowsHost(%q) = %v", tt.host, got)
		}
	}
}

func TestAllowlistBadEntries(t *testing.T) {
	t.Parallel()
	for _, e := range []string{"10.0.0.0/33", "http://example.com", "example.com:80", "a b"} {
		if _, err := webhook.NewAllowlist(e); err == nil || !strings.Contains(err.Error(), e) {
			t.Errorf("NewAllowlist(%q) error = %v, want one naming it", e, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	a, err := webhook.NewAllowlist()
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]string{
		"http://127.0.0.1:8080/hook": "",
		"https://localhost/hook?x=1": "",
		"http://[::1]:9/":            "",
		"127.0.0.1:8080":             "absolute http or https",
		"mailto:a@127.0.0.1":         "absolute http or https",
		"http:///x":                  "absolute http or https",
		"http://127.0.0.1:/x":        "absolute http or https",
		"http://example.com/":        `url host "example.com" is not allowed`,
	} {
		err := a.CheckURL(raw)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckURL(%q) = %v, want %q", raw, err, want)
		}
	}
}
