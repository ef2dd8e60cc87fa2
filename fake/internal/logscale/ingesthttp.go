package logscale

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// The ingest endpoints. Each also answers with a trailing slash.
const (
	// PathIngestStructured takes batches of structured events.
	PathIngestStructured = "/api/v1/ingest/humio-structured"
	// PathIngestUnstructured takes batches of lines for a parser.
	PathIngestUnstructured = "/api/v1/ingest/humio-unstructured"
	// PathIngestHEC takes events in the format of Splunk's HTTP Event Collector.
	PathIngestHEC = "/api/v1/ingest/hec"
	// PathIngestHECAlias is Splunk's own path for PathIngestHEC.
	PathIngestHECAlias = "/services/collector"
	// PathIngestRaw takes a body that is one event.
	PathIngestRaw = "/api/v1/ingest/raw"

	// ingestPrefix is the path every ingest endpoint but the HEC alias is under.
	ingestPrefix = "/api/v1/ingest"
)

// hecSuccess is the body of a HEC answer that accepts the events.
const hecSuccess = `{"text":"Success","code":0}`

// ingestEndpoint is one ingest path: how it counts the events of a body and
// what it answers when it accepts them.
type ingestEndpoint struct {
	path  string
	count func(body []byte) (int, error)
	ok    string // the JSON body of the answer
}

// ingestEndpoints are the ingest endpoints the API serves.
func ingestEndpoints() []ingestEndpoint {
	return []ingestEndpoint{
		{PathIngestStructured, countStructured, `{}`},
		{PathIngestUnstructured, countUnstructured, `{}`},
		{PathIngestHEC, countHEC, hecSuccess},
		{PathIngestHECAlias, countHEC, hecSuccess},
		{PathIngestRaw, countRaw, `{}`},
	}
}

// IngestCount is what one ingest token sent to its repository.
type IngestCount struct {
	// Repository is the repository's name.
	Repository string
	// Token is the ingest token's name.
	Token string
	// Requests is how many requests the endpoints accepted.
	Requests int
	// Events is how many events those requests held.
	Events int
}

// ingestKey names an ingest token by its repository's id and its name.
type ingestKey struct{ repoID, name string }

// Ingested returns what each ingest token has sent since the API was built
// or last reset, in order of repository name, then token name. The events
// themselves are not kept.
func (a *API) Ingested() []IngestCount {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]IngestCount, 0, len(a.ingested))
	for _, c := range a.ingested {
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y IngestCount) int {
		return cmp.Or(strings.Compare(x.Repository, y.Repository), strings.Compare(x.Token, y.Token))
	})
	return out
}

// ingestHandler serves e. Checks run in the order of the GraphQL endpoint:
// the method (405), the ingest token (401), the body's size (413) and
// format (400); then the events are counted, not stored, and the answer is
// 200.
func ingestHandler(e ingestEndpoint) http.Handler {
	return api.Handler(func(a *API, w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			textError(http.StatusMethodNotAllowed, textMethodNotAllowed).Write(w)
			return
		}
		key, ok := a.authenticateIngest(r)
		if !ok {
			textError(http.StatusUnauthorized, textUnauthorized).Write(w)
			return
		}
		body, rerr := readBody(r)
		if rerr != nil {
			rerr.Write(w)
			return
		}
		n, err := e.count(body)
		if err != nil {
			textError(http.StatusBadRequest, textMalformedPrefix+api.DescribeJSONError(body, err).Error()).Write(w)
			return
		}
		repo := a.countIngest(key, n)
		api.NoteFrom(r.Context()).Ingested = &api.Ingested{Repository: repo, Token: key.name, Events: n}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, e.ok)
	})
}

// authenticateIngest finds the ingest token of r: "Bearer <token>" or, as
// Splunk's HEC clients send it, "Splunk <token>".
func (a *API) authenticateIngest(r *http.Request) (ingestKey, bool) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !(strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "Splunk")) {
		return ingestKey{}, false
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	t := a.st.ingestBySecret[strings.TrimSpace(cred)]
	if t == nil {
		return ingestKey{}, false
	}
	return ingestKey{repoID: t.repoID, name: t.name}, true
}

// countIngest adds one request of n events to the count of key and
// returns the name of the key's repository.
func (a *API) countIngest(key ingestKey, n int) (repository string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.ingested[key]
	if !ok {
		c = IngestCount{Token: key.name}
		if d := a.st.domainsByID[key.repoID]; d != nil {
			c.Repository = d.name
		}
	}
	c.Requests++
	c.Events += n
	a.ingested[key] = c
	return c.Repository
}

// errNotArray and its kin describe bodies that are JSON of the wrong shape.
var (
	errNotArray     = errors.New("the body must be a JSON array of objects")
	errNoTimestamp  = errors.New("every event needs a timestamp")
	errNotHECObject = errors.New("every HEC event must be a JSON object")
)

// objectsOf decodes body, a JSON array of objects, into one T each. An
// element that does not fit T is named in the error by its index.
func objectsOf[T any](body []byte) ([]T, error) {
	var raw []json.RawMessage
	if !json.Valid(body) {
		var v any
		return nil, json.Unmarshal(body, &v) // the syntax error, with its offset
	}
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
		return nil, errNotArray
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, errNotArray
	}
	out := make([]T, len(raw))
	for i, m := range raw {
		if !bytes.HasPrefix(m, []byte("{")) || json.Unmarshal(m, &out[i]) != nil {
			return nil, fmt.Errorf("element %d of the array does not have the format of this endpoint", i)
		}
	}
	return out, nil
}

// countStructured counts the events of a humio-structured body: an array of
// {"tags": {...}, "events": [{"timestamp": ..., "attributes": {...}}]}.
func countStructured(body []byte) (int, error) {
	batches, err := objectsOf[struct {
		Tags   map[string]string `json:"tags"`
		Events []struct {
			Timestamp  json.RawMessage `json:"timestamp"`
			Attributes map[string]any  `json:"attributes"`
			RawString  *string         `json:"rawstring"`
		} `json:"events"`
	}](body)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range batches {
		for _, e := range b.Events {
			if len(e.Timestamp) == 0 || string(e.Timestamp) == "null" {
				return 0, errNoTimestamp
			}
		}
		n += len(b.Events)
	}
	return n, nil
}

// countUnstructured counts the messages of a humio-unstructured body: an
// array of {"fields": {...}, "tags": {...}, "type": "...", "messages": [...]}.
func countUnstructured(body []byte) (int, error) {
	batches, err := objectsOf[struct {
		Fields   map[string]string `json:"fields"`
		Tags     map[string]string `json:"tags"`
		Type     *string           `json:"type"`
		Messages []string          `json:"messages"`
	}](body)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, b := range batches {
		n += len(b.Messages)
	}
	return n, nil
}

// countHEC counts the events of a HEC body: JSON objects one after the
// other, separated by whitespace or nothing.
func countHEC(body []byte) (int, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	n := 0
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
		if !bytes.HasPrefix(v, []byte("{")) {
			return 0, errNotHECObject
		}
		n++
	}
}

// countRaw counts a raw body: it is one event, whatever it holds.
func countRaw([]byte) (int, error) { return 1, nil }
