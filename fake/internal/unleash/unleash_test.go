package unleash_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tokenfake/tokenfake/fake"
	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fixtures"
)

const (
	msgAuthRequired = "You must log in to use Unleash. Your request had no authorization header, so we could not authorize you. Try logging in at /auth/simple/login"
	msgSchema       = "Request validation failed: your request body or params contain invalid data. Refer to the `details` list for more information."
)

func schemaError(path, message string) map[string]any {
	return map[string]any{
		"name":    "BadDataError",
		"message": msgSchema,
		"details": []any{map[string]any{"path": path, "message": message}},
	}
}

func badData(reason string) map[string]any {
	return map[string]any{
		"name":    "BadDataError",
		"message": "Request validation failed: your request body or params contain invalid data: " + reason,
		"details": []any{map[string]any{"message": reason}},
	}
}

func contentTypeError(provided string) map[string]any {
	return unleashError("ContentTypeError", "We do not accept the content-type you provided ("+provided+"). Try using one of the content-types we do accept instead (application/json) and make sure the body is in the corresponding format.")
}

// TestErrors covers every error the routes answer, each on a fresh server,
// and checks that the failed request changed nothing.
func TestErrors(t *testing.T) {
	t.Parallel()
	authRequired := unleashError("AuthenticationRequired", msgAuthRequired)
	authRequired["path"], authRequired["type"], authRequired["defaultHidden"] = "/auth/simple/login", "password", false
	unauthorized := unleashError("UnauthorizedError", "You must log in to use Unleash.")
	post := func(auth, contentType, body string) request {
		return request{method: http.MethodPost, path: tokensPath, auth: auth, contentType: contentType, body: body}
	}
	tests := []struct {
		name   string
		req    request
		status int
		wantID bool
		want   map[string]any
	}{
		{"GET without Authorization", request{method: http.MethodGet, path: tokensPath}, 401, true, authRequired},
		{"POST without Authorization", post("", "application/json", validCreateBody), 401, true, authRequired},
		{"DELETE without Authorization", request{method: http.MethodDelete, path: tokensPath + "/1"}, 401, true, authRequired},
		{"GET with an unknown PAT", request{method: http.MethodGet, path: tokensPath, auth: "user:" + strings.Repeat("0", 56)}, 401, true, unauthorized},
		{"GET with an unknown API token", request{method: http.MethodGet, path: tokensPath, auth: "*:*.not-a-token"}, 401, true, unauthorized},
		{"GET with an expired PAT", request{method: http.MethodGet, path: tokensPath, auth: expiredAdminPAT}, 401, true, unauthorized},
		{"DELETE with an expired PAT", request{method: http.MethodDelete, path: tokensPath + "/2", auth: expiredAdminPAT}, 401, true, unauthorized},
		{"POST with a bad token and no content type", post("Bearer nope", "", "x"), 401, true, unauthorized},
		{"GET with the admin API token", request{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashAdminToken}, 403, false, unleashError("ForbiddenError", "PATs require an authenticated user.")},
		{"POST with the admin API token", post(fixtures.UnleashAdminToken, "application/json", validCreateBody), 403, false, unleashError("ForbiddenError", "PATs require an authenticated user.")},
		{"POST without a content type", post(fixtures.UnleashToken, "", validCreateBody), 415, true, contentTypeError("you didn't provide one")},
		{"POST as text/plain", post(fixtures.UnleashToken, "text/plain", validCreateBody), 415, true, contentTypeError("text/plain")},
		{"POST as form", post(fixtures.UnleashToken, "application/x-www-form-urlencoded", "description=x"), 415, true, contentTypeError("application/x-www-form-urlencoded")},
		{"POST with an empty object", post(fixtures.UnleashToken, "application/json", `{}`), 400, true, schemaError("/body/description", "The `/body/description` property is required. It was not present on the data you sent.")},
		{"POST with an empty body", post(fixtures.UnleashToken, "application/json", ``), 400, true, schemaError("/body/description", "The `/body/description` property is required. It was not present on the data you sent.")},
		{"POST without expiresAt", post(fixtures.UnleashToken, "application/json", `{"description":"x"}`), 400, true, schemaError("/body/expiresAt", "The `/body/expiresAt` property is required. It was not present on the data you sent.")},
		{"POST with an array", post(fixtures.UnleashToken, "application/json", `[1]`), 400, true, schemaError("/body", "The `/body` property must be object. You sent [1].")},
		{"POST with an object description", post(fixtures.UnleashToken, "application/json", `{"description":{"a":1},"expiresAt":"2027-01-01T00:00:00Z"}`), 400, true, schemaError("/body/description", "The `/body/description` property must be string. You sent {\"a\":1}.")},
		{"POST with a bad date", post(fixtures.UnleashToken, "application/json", `{"description":"x","expiresAt":"tomorrow"}`), 400, true, schemaError("/body/expiresAt", "The `/body/expiresAt` property must match format \"date-time\". You sent \"tomorrow\".")},
		{"POST with a date without time zone", post(fixtures.UnleashToken, "application/json", `{"description":"x","expiresAt":"2027-01-01T00:00:00"}`), 400, true, schemaError("/body/expiresAt", "The `/body/expiresAt` property must match format \"date-time\". You sent \"2027-01-01T00:00:00\".")},
		{"POST with February 30th", post(fixtures.UnleashToken, "application/json", `{"description":"x","expiresAt":"2027-02-30T00:00:00Z"}`), 400, true, schemaError("/body/expiresAt", "The `/body/expiresAt` property must match format \"date-time\". You sent \"2027-02-30T00:00:00Z\".")},
		{"POST with an empty description", post(fixtures.UnleashToken, "application/json", `{"description":"","expiresAt":"2027-01-01T00:00:00Z"}`), 400, false, badData("PAT description cannot be empty.")},
		{"POST with a null description", post(fixtures.UnleashToken, "application/json", `{"description":null,"expiresAt":"2027-01-01T00:00:00Z"}`), 400, false, badData("PAT description cannot be empty.")},
		{"POST with an expiry in the past", post(fixtures.UnleashToken, "application/json", `{"description":"x","expiresAt":"2026-03-01T11:59:59.999Z"}`), 400, false, badData("The expiry date should be in future.")},
		{"POST with a taken description", post(fixtures.UnleashToken, "application/json", `{"description":"tokenfake default token","expiresAt":"2027-01-01T00:00:00Z"}`), 409, false, unleashError("NameExistsError", "PAT description already exists.")},
		{"POST reusing an expired PAT's description", post(fixtures.UnleashToken, "application/json", `{"description":"old deploy pipeline","expiresAt":"2027-01-01T00:00:00Z"}`), 409, false, unleashError("NameExistsError", "PAT description already exists.")},
		{"DELETE an unknown id", request{method: http.MethodDelete, path: tokensPath + "/999", auth: fixtures.UnleashToken}, 404, false, unleashError("NotFoundError", "No PAT found.")},
		{"DELETE a non-integer id", request{method: http.MethodDelete, path: tokensPath + "/abc", auth: fixtures.UnleashToken}, 400, true, schemaError("/params/id", "The `/params/id` property must be integer. You sent \"abc\".")},
		{"PUT on the collection", request{method: http.MethodPut, path: tokensPath, auth: fixtures.UnleashToken}, 404, true, unleashError("NotFoundError", "The path you were looking for (/api/admin/user/tokens) is not available.")},
		{"GET one PAT", request{method: http.MethodGet, path: tokensPath + "/1", auth: fixtures.UnleashToken}, 404, true, unleashError("NotFoundError", "The path you were looking for (/api/admin/user/tokens/1) is not available.")},
		{"POST malformed JSON", post(fixtures.UnleashToken, "application/json", `not json`), 400, false, map[string]any{"message": `Unexpected token 'o', "not json" is not valid JSON`}},
		{"POST truncated JSON", post(fixtures.UnleashToken, "application/json", `{"description":`), 400, false, map[string]any{"message": "Unexpected end of JSON input"}},
		{"POST malformed JSON without a token", post("", "application/json", `{"a" 1}`), 400, false, map[string]any{"message": "Expected ':' after property name in JSON at position 5"}},
		{"POST a body over the limit", post(fixtures.UnleashToken, "application/json", `{"description":"`+strings.Repeat("a", api.MaxBodyBytes)+`"}`), 413, false, map[string]any{"message": "request entity too large"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			before := e.snapshot(t)
			resp := e.do(t, tc.req)
			checkError(t, resp, tc.status, tc.wantID, tc.want)
			e.assertUnchanged(t, before, firstNewID)
		})
	}
}

// TestCheckOrder sends requests that fail two checks at once: the answer is
// the failure of the check Unleash runs first (see the README's order of
// checks).
func TestCheckOrder(t *testing.T) {
	t.Parallel()
	const js = "application/json"
	post := func(auth, contentType, body string) request {
		return request{method: http.MethodPost, path: tokensPath, auth: auth, contentType: contentType, body: body}
	}
	noUser := unleashError("ForbiddenError", "PATs require an authenticated user.")
	tests := []struct {
		name   string
		opts   []fake.Option
		fill   int // PATs jane creates first
		req    request
		status int
		wantID bool
		want   map[string]any
	}{
		{name: "malformed JSON before authentication", req: post("user:nope", js, `{`),
			status: 400, want: map[string]any{"message": "Unexpected end of JSON input"}},
		{name: "authentication before content type", req: post("user:nope", "text/plain", `{}`),
			status: 401, wantID: true, want: unleashError("UnauthorizedError", "You must log in to use Unleash.")},
		{name: "content type before schema", req: post(fixtures.UnleashToken, "text/plain", `{}`),
			status: 415, wantID: true, want: contentTypeError("text/plain")},
		{name: "schema before kill switch", opts: []fake.Option{fake.WithUnleashPATsDisabled()}, req: post(fixtures.UnleashToken, js, `{}`),
			status: 400, wantID: true, want: schemaError("/body/description", "The `/body/description` property is required. It was not present on the data you sent.")},
		{name: "kill switch before admin API token", opts: []fake.Option{fake.WithUnleashPATsDisabled()}, req: post(fixtures.UnleashAdminToken, js, validCreateBody),
			status: 404, want: unleashError("NotFoundError", "PATs are disabled.")},
		{name: "admin API token before empty description", req: post(fixtures.UnleashAdminToken, js, `{"description":"","expiresAt":"2020-01-01T00:00:00Z"}`),
			status: 403, want: noUser},
		{name: "empty description before past expiry", req: post(janePAT, js, `{"description":"","expiresAt":"2020-01-01T00:00:00Z"}`),
			status: 400, want: badData("PAT description cannot be empty.")},
		{name: "past expiry before PAT limit", fill: 9, req: post(janePAT, js, `{"description":"jane's laptop","expiresAt":"2020-01-01T00:00:00Z"}`),
			status: 400, want: badData("The expiry date should be in future.")},
		{name: "PAT limit before duplicate description", fill: 9, req: post(janePAT, js, `{"description":"jane's laptop","expiresAt":"2027-01-01T00:00:00Z"}`),
			status: 403, want: unleashError("OperationDeniedError", "Too many PATs (10) already exist for this user.")},
		{name: "DELETE: id check before admin API token", req: request{method: http.MethodDelete, path: tokensPath + "/abc", auth: fixtures.UnleashAdminToken},
			status: 400, wantID: true, want: schemaError("/params/id", "The `/params/id` property must be integer. You sent \"abc\".")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.opts...)
			for i := range tc.fill {
				e.create(t, janePAT, fmt.Sprintf("pat %d", i), start.Add(time.Hour))
			}
			checkError(t, e.do(t, tc.req), tc.status, tc.wantID, tc.want)
		})
	}
}

func TestErrorIDsAreFresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seen := map[any]bool{}
	for range 3 {
		r := e.do(t, request{method: http.MethodGet, path: tokensPath})
		var body map[string]any
		mustUnmarshal(t, r.body, &body)
		if seen[body["id"]] {
			t.Errorf("error id %v repeated", body["id"])
		}
		seen[body["id"]] = true
	}
}

// TestAuthorizationForms covers the header forms Unleash's bearer-token
// middleware accepts: it strips /^Bearer\s+/i before any token lookup.
func TestAuthorizationForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, auth string
		status     int
	}{
		{"bare token", fixtures.UnleashToken, http.StatusOK},
		{"Bearer", "Bearer " + fixtures.UnleashToken, http.StatusOK},
		{"lower case", "bearer " + fixtures.UnleashToken, http.StatusOK},
		{"upper case and spaces", "BEARER   " + fixtures.UnleashToken, http.StatusOK},
		{"tab", "Bearer\t" + fixtures.UnleashToken, http.StatusOK},
		{"admin API token", "Bearer " + fixtures.UnleashAdminToken, http.StatusForbidden},
		{"no whitespace after Bearer", "Bearer" + fixtures.UnleashToken, http.StatusUnauthorized},
		{"Bearer alone", "Bearer", http.StatusUnauthorized},
		{"another scheme", "Basic " + fixtures.UnleashToken, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: tc.auth})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d; body %s", r.status, tc.status, r.body)
			}
		})
	}
}

func TestListShowsOwnPATsWithoutSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashToken})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != jsonContentType {
		t.Fatalf("status %d, content type %q", r.status, r.header.Get("Content-Type"))
	}
	var got map[string]any
	mustUnmarshal(t, r.body, &got)
	want := map[string]any{"pats": []any{
		map[string]any{"id": 1.0, "userId": 1.0, "description": "tokenfake default token", "createdAt": "2026-01-05T09:00:00.000Z", "expiresAt": "2099-12-31T23:59:59.000Z", "seenAt": "2026-03-01T12:00:00.000Z"},
		map[string]any{"id": 2.0, "userId": 1.0, "description": "old deploy pipeline", "createdAt": "2025-01-10T12:30:00.000Z", "expiresAt": "2025-07-10T12:30:00.000Z", "seenAt": "2025-07-01T08:15:42.123Z"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("list mismatch (-want +got):\n%s", diff)
	}
	jane := e.list(t, janePAT)
	if len(jane) != 1 || jane[0]["id"] != float64(janePATID) {
		t.Errorf("jane sees %v, want only PAT %d", jane, janePATID)
	}
}

func TestHeadAndOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	head := e.do(t, request{method: http.MethodHead, path: tokensPath, auth: fixtures.UnleashToken})
	if head.status != http.StatusOK || len(head.body) != 0 || head.header.Get("Content-Type") != jsonContentType {
		t.Errorf("HEAD: status %d, content type %q, body %q", head.status, head.header.Get("Content-Type"), head.body)
	}
	for path, allow := range map[string]string{tokensPath: "GET,HEAD,POST", tokensPath + "/1": "DELETE"} {
		r := e.do(t, request{method: http.MethodOptions, path: path, auth: fixtures.UnleashToken})
		if r.status != http.StatusOK || r.header.Get("Allow") != allow || string(r.body) != allow {
			t.Errorf("OPTIONS %s: status %d, Allow %q, body %q; want 200 and %q", path, r.status, r.header.Get("Allow"), r.body, allow)
		}
	}
	r := e.do(t, request{method: http.MethodOptions, path: tokensPath})
	if r.status != http.StatusUnauthorized {
		t.Errorf("OPTIONS without a token: status %d, want 401", r.status)
	}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(t, request{method: http.MethodPost, path: tokensPath, auth: fixtures.UnleashToken, contentType: "application/json; charset=utf-8",
		body: `{"description":"ci","expiresAt":"2026-09-01T10:00:00.123456+02:00","extra":true}`})
	if r.status != http.StatusCreated {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != jsonContentType {
		t.Errorf("Content-Type = %q, want %q", ct, jsonContentType)
	}
	if loc, ok := r.header["Location"]; ok {
		t.Errorf("Location = %q, want none", loc)
	}
	var got map[string]any
	mustUnmarshal(t, r.body, &got)
	secret, _ := got["secret"].(string)
	if !secretRE.MatchString(secret) {
		t.Errorf("secret %q is not user: and 56 lowercase hex digits", secret)
	}
	delete(got, "secret")
	want := map[string]any{"id": float64(firstNewID), "userId": float64(adminUserID), "description": "ci",
		"createdAt": "2026-03-01T12:00:00.000Z", "expiresAt": "2026-09-01T08:00:00.123Z", "seenAt": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("created PAT mismatch (-want +got):\n%s", diff)
	}
	second := e.create(t, janePAT, "ci", start.Add(time.Hour))
	if second["id"] != float64(firstNewID+1) || second["userId"] != float64(janeUserID) {
		t.Errorf("jane's PAT = %v, want id %d of user %d (descriptions are unique per user; ids global)", second, firstNewID+1, janeUserID)
	}
}

func TestCreateCoercesScalarsLikeUnleash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(t, request{method: http.MethodPost, path: tokensPath, auth: fixtures.UnleashToken, contentType: "application/json",
		body: `{"description":42,"expiresAt":"2027-01-01 00:00:00z"}`})
	if r.status != http.StatusCreated {
		t.Fatalf("status %d, body %s", r.status, r.body)
	}
	var got map[string]any
	mustUnmarshal(t, r.body, &got)
	if got["description"] != "42" || got["expiresAt"] != "2027-01-01T00:00:00.000Z" {
		t.Errorf("got description %v, expiresAt %v", got["description"], got["expiresAt"])
	}
}

func TestPATLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// jane holds one PAT; nine more reach the limit of ten.
	for i := range 9 {
		e.create(t, janePAT, fmt.Sprintf("pat %d", i), start.Add(time.Hour))
	}
	before := e.snapshot(t)
	r := e.do(t, request{method: http.MethodPost, path: tokensPath, auth: janePAT, contentType: "application/json", body: validCreateBody})
	checkError(t, r, http.StatusForbidden, false, unleashError("OperationDeniedError", "Too many PATs (10) already exist for this user."))
	if after := e.snapshot(t); !cmp.Equal(before, after, cmp.AllowUnexported(snapshot{})) {
		t.Errorf("the refused create changed the PATs")
	}
	// Deleting one makes room.
	del := e.do(t, request{method: http.MethodDelete, path: fmt.Sprintf("%s/%d", tokensPath, firstNewID), auth: janePAT})
	if del.status != http.StatusOK {
		t.Fatalf("delete: status %d", del.status)
	}
	if p := e.create(t, janePAT, "room again", start.Add(time.Hour)); p["id"] != float64(firstNewID+9) {
		t.Errorf("id = %v, want %d", p["id"], firstNewID+9)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(t, request{method: http.MethodDelete, path: tokensPath + "/2", auth: fixtures.UnleashToken})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("status %d, body %q; want 200 and no body", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "" {
		t.Errorf("Content-Type = %q, want none", ct)
	}
	if pats := e.list(t, fixtures.UnleashToken); len(pats) != 1 || pats[0]["id"] != 1.0 {
		t.Errorf("after delete admin has %v, want only PAT 1", pats)
	}
	again := e.do(t, request{method: http.MethodDelete, path: tokensPath + "/2", auth: fixtures.UnleashToken})
	checkError(t, again, http.StatusNotFound, false, unleashError("NotFoundError", "No PAT found."))

	// A PAT may delete itself; a trailing slash routes the same.
	self := e.do(t, request{method: http.MethodDelete, path: tokensPath + "/1/", auth: fixtures.UnleashToken})
	if self.status != http.StatusOK {
		t.Errorf("DELETE /1/: status %d, want 200", self.status)
	}
	gone := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashToken})
	checkError(t, gone, http.StatusUnauthorized, true, unleashError("UnauthorizedError", "You must log in to use Unleash."))
}

func TestDeleteOthersPATDeletesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	r := e.do(t, request{method: http.MethodDelete, path: fmt.Sprintf("%s/%d", tokensPath, janePATID), auth: fixtures.UnleashToken})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("status %d, body %q; want 200 and no body", r.status, r.body)
	}
	e.assertUnchanged(t, before, firstNewID)
}

// TestDeleteWithAdminAPIToken: the admin API token is no user; Unleash
// fails the delete of an existing PAT with an UnknownError.
func TestDeleteWithAdminAPIToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	r := e.do(t, request{method: http.MethodDelete, path: fmt.Sprintf("%s/%d", tokensPath, janePATID), auth: fixtures.UnleashAdminToken})
	checkError(t, r, http.StatusInternalServerError, false, unleashError("UnknownError",
		`Undefined binding(s) detected when compiling DEL. Undefined column(s): [user_id] query: delete from "personal_access_tokens" where "id" = ? and "user_id" = ?`))
	unknown := e.do(t, request{method: http.MethodDelete, path: tokensPath + "/999", auth: fixtures.UnleashAdminToken})
	checkError(t, unknown, http.StatusNotFound, false, unleashError("NotFoundError", "No PAT found."))
	e.assertUnchanged(t, before, firstNewID)
}

func TestKillSwitch(t *testing.T) {
	t.Parallel()
	withFixture := func() fake.Option {
		return fake.WithFixtures(fstest.MapFS{"unleash.json": {Data: []byte(`{"patsDisabled": true,
			"users": [{"id": 1, "username": "admin"}],
			"pats": [{"id": 1, "userId": 1, "description": "d", "secret": "` + fixtures.UnleashToken + `",
				"createdAt": "2026-01-01T00:00:00.000Z", "expiresAt": "2099-01-01T00:00:00.000Z", "seenAt": null}],
			"apiTokens": [{"secret": "` + fixtures.UnleashAdminToken + `", "tokenName": "admin", "type": "admin"}]}`)}})
	}
	for name, opt := range map[string]fake.Option{"option": fake.WithUnleashPATsDisabled(), "fixture": withFixture()} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, opt)
			disabled := unleashError("NotFoundError", "PATs are disabled.")
			for _, req := range []request{
				{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashToken},
				{method: http.MethodPost, path: tokensPath, auth: fixtures.UnleashToken, contentType: "application/json", body: validCreateBody},
				{method: http.MethodGet, path: tokensPath, auth: fixtures.UnleashAdminToken},
			} {
				checkError(t, e.do(t, req), http.StatusNotFound, false, disabled)
			}
			// Validation still comes first on POST.
			r := e.do(t, request{method: http.MethodPost, path: tokensPath, auth: fixtures.UnleashToken, contentType: "text/plain", body: "x"})
			checkError(t, r, http.StatusUnsupportedMediaType, true, contentTypeError("text/plain"))
			// DELETE is not switched off.
			if r := e.do(t, request{method: http.MethodDelete, path: tokensPath + "/1", auth: fixtures.UnleashToken}); r.status != http.StatusOK {
				t.Errorf("DELETE with PATs disabled: status %d, want 200", r.status)
			}
		})
	}
}

// TestFlow creates a PAT, lists it, uses it, deletes it, and sees it refused.
func TestFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	created := e.create(t, fixtures.UnleashToken, "flow", start.Add(24*time.Hour))
	secret := created["secret"].(string)
	id := created["id"]

	listed := e.list(t, fixtures.UnleashToken)
	var mine map[string]any
	for _, p := range listed {
		if p["id"] == id {
			mine = p
		}
	}
	if mine == nil {
		t.Fatalf("created PAT %v not listed in %v", id, listed)
	}
	if mine["seenAt"] != nil {
		t.Errorf("unused PAT has seenAt %v, want null", mine["seenAt"])
	}

	e.srv.Clock().Advance(90 * time.Second)
	own := e.list(t, secret)
	if len(own) != 3 {
		t.Fatalf("the new PAT lists %d PATs, want admin's 3", len(own))
	}
	for _, p := range own {
		if p["id"] == id && p["seenAt"] != "2026-03-01T12:01:30.000Z" {
			t.Errorf("seenAt after use = %v, want the fake clock's time", p["seenAt"])
		}
	}

	del := e.do(t, request{method: http.MethodDelete, path: fmt.Sprintf("%s/%v", tokensPath, id), auth: fixtures.UnleashToken})
	if del.status != http.StatusOK {
		t.Fatalf("delete: status %d", del.status)
	}
	r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: secret})
	checkError(t, r, http.StatusUnauthorized, true, unleashError("UnauthorizedError", "You must log in to use Unleash."))
}

func TestCreatedPATExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	secret := e.create(t, fixtures.UnleashToken, "short", start.Add(time.Hour))["secret"].(string)
	if r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: secret}); r.status != http.StatusOK {
		t.Fatalf("fresh PAT: status %d", r.status)
	}
	e.srv.Clock().Advance(time.Hour)
	r := e.do(t, request{method: http.MethodGet, path: tokensPath, auth: secret})
	checkError(t, r, http.StatusUnauthorized, true, unleashError("UnauthorizedError", "You must log in to use Unleash."))
}

func TestSeedMakesSecretsRepeatable(t *testing.T) {
	t.Parallel()
	secret := func() string {
		e := newEnv(t, fake.WithSeed(7))
		return e.create(t, fixtures.UnleashToken, "seeded", start.Add(time.Hour))["secret"].(string)
	}
	if a, b := secret(), secret(); a != b {
		t.Errorf("same seed gave secrets %q and %q", a, b)
	}
}

func TestResetRestoresFixtures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	e.create(t, fixtures.UnleashToken, "temporary", start.Add(time.Hour))
	e.srv.Reset()
	e.assertUnchanged(t, before, firstNewID)
}
