package fakecontainer_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/fakecontainer"
	"github.com/tokenfake/tokenfake/fixtures"
)

func TestLimits(t *testing.T) {
	t.Parallel()
	_, url := run(t, fakecontainer.WithLimits(fake.Limits{UnleashPATs: 100, Rules: 1}),
		fakecontainer.WithLimits(fake.Limits{UnleashPATs: 3})) // the later option wins for the field it sets

	status, body := call(t, http.MethodPost, url+"/_fake/scenarios", "",
		`{"name":"two","rules":[{"match":{"api":"unleash"},"respond":{"status":500}},{"match":{"api":"unleash"},"respond":{"status":500}}]}`)
	if status != http.StatusConflict || !strings.Contains(body, "FAKESERVER_MAX_RULES") {
		t.Errorf("two rules past a limit of 1: %d %s; want 409 naming FAKESERVER_MAX_RULES", status, body)
	}
	// The fixtures hold 3 Unleash PATs: the limit of 3 refuses the next.
	status, body = call(t, http.MethodPost, url+unleashTokens, fixtures.UnleashToken,
		`{"description":"one more","expiresAt":"2099-01-01T00:00:00.000Z"}`)
	if status != http.StatusForbidden || !strings.Contains(body, "FAKESERVER_MAX_UNLEASH_PATS") {
		t.Errorf("a PAT past the limit: %d %s; want 403 naming FAKESERVER_MAX_UNLEASH_PATS", status, body)
	}
}
