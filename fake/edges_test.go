package fake_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
)

func TestFilterValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f    fake.Filter
		want string // "" for valid
	}{
		{fake.Filter{}, ""},
		{fake.Filter{API: "Unleash", Method: "get", Path: "/api/admin/user/tokens/{id}"}, ""},
		{fake.Filter{API: "ANY"}, ""},
		{fake.Filter{API: "github"}, `filter api: unknown API "github" (want logscale, unleash, cryptlex or any)`},
		{fake.Filter{Path: "graphql"}, `filter path: "graphql" must start with /`},
		{fake.Filter{Method: "GE T"}, `filter method: unknown HTTP method "GE T"`},
		{fake.Filter{Status: -1}, "filter status: must not be negative, got -1"},
	}
	for _, tt := range tests {
		err := tt.f.Validate()
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
			t.Errorf("%+v.Validate() = %v, want %q", tt.f, err, tt.want)
		}
	}
}

// recordingTB records the errors a test would report.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func TestRequestsRefuseAnInvalidFilter(t *testing.T) {
	t.Parallel()
	rec := &recordingTB{TB: t}
	srv := fake.Start(rec)
	do(t, srv, nil, unleashList)
	if got := srv.Requests(fake.Filter{Path: "graphql"}); len(got) != 0 {
		t.Errorf("Requests with a bad path = %v, want none", got)
	}
	if n := srv.Count(fake.Filter{API: "github"}); n != 0 {
		t.Errorf("Count with an unknown API = %d, want 0", n)
	}
	want := []string{
		`fake server: Requests({API: Operation: Method: Path:graphql Status:0 Rule:}): filter path: "graphql" must start with /`,
		`fake server: Count({API:github Operation: Method: Path: Status:0 Rule:}): filter api: unknown API "github" (want logscale, unleash, cryptlex or any)`,
	}
	if diff := cmp.Diff(want, rec.errors); diff != "" {
		t.Errorf("errors reported to the test (-want +got):\n%s", diff)
	}

	// A server without a test logs the refusal.
	var logs bytes.Buffer
	plain, err := fake.NewServer(fake.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if n := plain.Count(fake.Filter{Path: "/{"}); n != 0 {
		t.Errorf("Count = %d, want 0", n)
	}
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "fake server: Count(") {
		t.Errorf("logs %q, want the refusal at Error level", logs.String())
	}
}

func TestFilterAPIIgnoresCase(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	do(t, srv, nil, unleashList)
	do(t, srv, nil, cryptlexList)
	for _, api := range []string{"unleash", "Unleash", "UNLEASH"} {
		if n := srv.Count(fake.Filter{API: api}); n != 1 {
			t.Errorf("Count(API %q) = %d, want 1", api, n)
		}
	}
	// A rule's API, likewise.
	if err := srv.Script(fake.Rule{Match: fake.Match{API: "Cryptlex"}, Respond: fake.Response{Status: 418}}); err != nil {
		t.Fatal(err)
	}
	if got := outcome(t, srv, cryptlexList); got != "418" {
		t.Errorf("cryptlex %s, want 418", got)
	}
}

// Times 0 answers every call, from Go and from a scenario file alike.
func TestTimesZeroMeansEveryCall(t *testing.T) {
	t.Parallel()
	fromGo := fake.Start(t)
	if err := fromGo.Script(fake.Rule{Name: "r", Match: fake.Match{API: "unleash"}, Times: 0, Respond: fake.Response{Status: 503}}); err != nil {
		t.Fatal(err)
	}
	fromYAML := fake.Start(t)
	if err := fromYAML.LoadScenarioData([]byte("name: s\nrules:\n  - {name: r, match: {api: unleash}, times: 0, respond: {status: 503}}\n")); err != nil {
		t.Fatal(err)
	}
	for _, srv := range []*fake.Server{fromGo, fromYAML} {
		var got []string
		for range 3 {
			got = append(got, outcome(t, srv, unleashList))
		}
		if diff := cmp.Diff([]string{"503", "503", "503"}, got); diff != "" {
			t.Errorf("answers (-want +got):\n%s", diff)
		}
	}
}

func TestAdminScenariosListsEveryField(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	if err := srv.Script(fake.Rule{Name: "go", Respond: fake.Response{Status: 500}}); err != nil {
		t.Fatal(err)
	}
	checkAdmin(t, srv, nil, adminCall{method: "POST", path: "/_fake/scenarios", wantStatus: 200,
		body: "name: up\nrules:\n  - {match: {api: cryptlex}, after: 2, times: 3, respond: {status: 418}}\n",
		wantBody: `{"active":[
			{"name":"go","scenario":"","times":0,"after":0,"seen":0,"answered":0},
			{"name":"up[0]","scenario":"up","times":3,"after":2,"seen":0,"answered":0}]}`})
}

// Loading a scenario again replaces its rules, in their place, with their
// counts at zero.
func TestScenarioLoadedTwice(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t)
	upload := adminCall{method: "POST", path: "/_fake/scenarios", wantStatus: 200,
		body: "name: up\nrules:\n  - {name: teapot, match: {api: cryptlex}, times: 1, respond: {status: 418}}\n"}
	checkAdmin(t, srv, nil, upload)
	checkAdmin(t, srv, nil, adminCall{method: "PUT", path: "/_fake/scenarios/rate-limit", wantStatus: 200})
	if got := outcome(t, srv, cryptlexList); got != "418" {
		t.Fatalf("cryptlex %s, want 418 from teapot", got)
	}
	upload.wantBody = `{"active":[
		{"name":"teapot","scenario":"up","times":1,"after":0,"seen":0,"answered":0},
		{"name":"logscale-429","scenario":"rate-limit","times":2,"after":0,"seen":0,"answered":0},
		{"name":"unleash-429","scenario":"rate-limit","times":2,"after":0,"seen":0,"answered":0},
		{"name":"cryptlex-429","scenario":"rate-limit","times":2,"after":0,"seen":0,"answered":0}]}`
	checkAdmin(t, srv, nil, upload)
	if got := outcome(t, srv, cryptlexList); got != "418" {
		t.Errorf("cryptlex %s after the second upload, want 418 from teapot again", got)
	}
	checkAdmin(t, srv, nil, adminCall{method: "PUT", path: "/_fake/scenarios/rate-limit", wantStatus: 200})
	if n := len(activeRules(t, srv)); n != 4 {
		t.Errorf("%d active rules after loading rate-limit twice, want 4", n)
	}
}

// Reset brings back the start-up scenarios first: a scenario activated
// after it answers once they are used up.
func TestResetThenActivate(t *testing.T) {
	t.Parallel()
	srv := fake.Start(t, fake.WithScenario("rate-limit"))
	do(t, srv, nil, unleashList)
	srv.Reset()
	if err := srv.LoadScenario("server-errors"); err != nil {
		t.Fatal(err)
	}
	var got []int
	for range 6 {
		got = append(got, do(t, srv, freshClient(), unleashList).status)
	}
	if diff := cmp.Diff([]int{429, 429, 500, 502, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}
