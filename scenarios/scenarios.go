// Package scenarios holds tokenfake's built-in scenarios: scripted errors
// for common failure modes, as YAML files in the format that package fake
// reads (see fake.ParseScenario). A scenario's name is its file name without
// ".yaml"; pass it to fake.WithScenario, Server.LoadScenario, the
// fakeserver -scenario flag or PUT /_fake/scenarios/{name}.
//
// The built-ins are:
//
//   - rate-limit: every API answers its first two calls with 429 and
//     Retry-After: 1, then recovers.
//   - server-errors: every API answers its first three calls with 500, 502
//     and 503, then recovers.
//   - conflicts: every token create answers 409.
//   - bad-requests: every call answers 400.
//   - auth-failures: every API answers its first call with 401 and its
//     second with 403, then recovers.
//   - not-found: every read, update, rotation and deletion of one token
//     answers 404.
//   - slow: every call is answered normally after a 1-second delay.
//   - flaky-network: every API resets its first connection, closes its
//     second without an answer and truncates its third answer, then
//     recovers.
package scenarios

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// FS returns the built-in scenario files, one "<name>.yaml" per scenario at
// its root.
func FS() fs.FS { return files }
