package cryptlex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// decodeObject decodes body as a JSON object, field by field.
func decodeObject(body []byte) (map[string]json.RawMessage, *apiError) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, errorf(http.StatusBadRequest, "The request body must be a JSON object.")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errorf(http.StatusBadRequest, "The request body must be a JSON object.")
	}
	return fields, nil
}

// isNull reports whether a field is absent or null.
func isNull(raw json.RawMessage) bool {
	return raw == nil || string(raw) == "null"
}

// createRequest is a validated create request.
type createRequest struct {
	name      string
	scopes    []string
	expiresAt *time.Time
	revoked   bool
}

func (a *API) parseCreate(body []byte, now time.Time) (createRequest, *apiError) {
	var req createRequest
	fields, err := decodeObject(body)
	if err != nil {
		return req, err
	}
	bad := func(msg string) (createRequest, *apiError) { return req, errorf(http.StatusBadRequest, msg) }

	if isNull(fields["name"]) {
		return bad("name is required.")
	}
	if json.Unmarshal(fields["name"], &req.name) != nil {
		return bad("name must be a string.")
	}
	if n := utf8.RuneCountInString(req.name); n < 1 || n > maxNameLength {
		return bad(fmt.Sprintf("name must be between 1 and %d characters long.", maxNameLength))
	}

	if isNull(fields["scopes"]) {
		return bad("scopes is required.")
	}
	if json.Unmarshal(fields["scopes"], &req.scopes) != nil {
		return bad("scopes must be an array of strings.")
	}
	if len(req.scopes) == 0 {
		return bad("scopes must contain at least one scope.")
	}
	var scopes []string
	for _, s := range req.scopes {
		if !knownScopes().known(s) {
			return bad(fmt.Sprintf("scopes contains an unknown scope: %q.", s))
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	req.scopes = scopes

	if raw := fields["expiresAt"]; !isNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return bad("expiresAt must be a date-time string.")
		}
		if s != "" {
			t, ok := parseDateTime(s)
			if !ok {
				return bad("expiresAt must be a date-time such as 2019-08-24T14:15:22Z.")
			}
			t = t.Truncate(timePrecision)
			if !t.After(now) {
				return bad("expiresAt must be a date in the future.")
			}
			req.expiresAt = &t
		}
	}

	if raw := fields["revoked"]; !isNull(raw) {
		if json.Unmarshal(raw, &req.revoked) != nil {
			return bad("revoked must be a boolean.")
		}
	}
	return req, nil
}

// dateTimeLayouts are the ISO 8601 forms a .NET JSON reader accepts for a
// date-time, with a zone or without. When parsing, Go accepts a fractional
// second after the seconds of any of them.
var dateTimeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseDateTime reads an ISO 8601 date-time. A time without a zone (what a
// .NET client sends for a DateTime of unspecified kind) is taken as UTC.
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
