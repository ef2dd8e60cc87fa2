package unleash

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// isJSONType reports whether the Content-Type header value names
// application/json (parameters such as charset allowed), as Express's
// type-is matches it.
func isJSONType(header string) bool {
	if header == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(header)
	return err == nil && mt == acceptedMediaType
}

// readBody parses a JSON request body the way Express's JSON body parser
// (strict: false) does: an empty body is an empty object, any JSON value is
// accepted. When the body is not JSON, the second result is the message
// Node gives for it (and the first is nil).
func readBody(r *http.Request) (any, string, error) {
	b, err := api.ReadBody(r, api.MaxBodyBytes)
	if err != nil {
		return nil, "", fmt.Errorf("read request body: %w", err)
	}
	if len(b) == 0 {
		return map[string]any{}, "", nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err = dec.Decode(&v)
	if err == nil {
		if _, tail := dec.Token(); !errors.Is(tail, io.EOF) {
			off := int(dec.InputOffset())
			for off < len(b) && isJSONSpace(b[off]) {
				off++
			}
			return nil, fmt.Sprintf("Unexpected non-whitespace character after JSON at position %d", utf16Len(b[:off])), nil
		}
		return v, "", nil
	}
	return nil, syntaxMessage(b, err), nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func utf16Len(b []byte) int { return len(utf16.Encode([]rune(string(b)))) }

// syntaxMessage words a JSON syntax error as V8's JSON.parse (Node 20) does.
func syntaxMessage(b []byte, err error) string {
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset < 1 || int(se.Offset) > len(b) || strings.Contains(se.Error(), "unexpected end") {
		return "Unexpected end of JSON input"
	}
	off := int(se.Offset) - 1
	pos := utf16Len(b[:off])
	msg := se.Error()
	switch {
	case strings.Contains(msg, "in string literal"):
		return fmt.Sprintf("Bad control character in string literal in JSON at position %d", pos)
	case strings.Contains(msg, "looking for beginning of object key string"):
		prev := bytes.TrimRight(b[:off], " \t\r\n")
		if len(prev) > 0 && prev[len(prev)-1] == ',' {
			return fmt.Sprintf("Expected double-quoted property name in JSON at position %d", pos)
		}
		return fmt.Sprintf("Expected property name or '}' in JSON at position %d", pos)
	case strings.Contains(msg, "after object key:value pair"):
		return fmt.Sprintf("Expected ',' or '}' after property value in JSON at position %d", pos)
	case strings.Contains(msg, "after object key"):
		return fmt.Sprintf("Expected ':' after property name in JSON at position %d", pos)
	case strings.Contains(msg, "after array element"):
		return fmt.Sprintf("Expected ',' or ']' after array element in JSON at position %d", pos)
	}
	units := utf16.Encode([]rune(string(b)))
	tok := string(utf16.Decode(units[pos : pos+1]))
	const ctx = 10
	if len(units) < 2*ctx+1 {
		return fmt.Sprintf("Unexpected token '%s', \"%s\" is not valid JSON", tok, string(b))
	}
	start, end := max(0, pos-ctx), min(len(units), pos+ctx)
	snippet := string(utf16.Decode(units[start:end]))
	pre, post := "", ""
	if start > 0 {
		pre = "..."
	}
	if end < len(units) {
		post = "..."
	}
	return fmt.Sprintf("Unexpected token '%s', %s\"%s\"%s is not valid JSON", tok, pre, snippet, post)
}

// createPAT is a request body that passed the createPatSchema check.
type createPAT struct {
	description string
	expiresAt   time.Time
}

// checkCreate validates body against createPatSchema as Unleash's OpenAPI
// validator (Ajv with type coercion, first error only) does.
func checkCreate(body any) (createPAT, *detail) {
	obj, ok := body.(map[string]any)
	if !ok {
		return createPAT{}, typeDetail("/body", "must be object", body)
	}
	for _, name := range []string{"description", "expiresAt"} {
		if _, ok := obj[name]; !ok {
			p := "/body/" + name
			return createPAT{}, &detail{Path: p, Message: fmt.Sprintf("The `%s` property is required. It was not present on the data you sent.", p)}
		}
	}
	desc, ok := coerceString(obj["description"])
	if !ok {
		return createPAT{}, typeDetail("/body/description", "must be string", obj["description"])
	}
	exp, ok := coerceString(obj["expiresAt"])
	if !ok {
		return createPAT{}, typeDetail("/body/expiresAt", "must be string", obj["expiresAt"])
	}
	t, ok := parseDateTime(exp)
	if !ok {
		return createPAT{}, typeDetail("/body/expiresAt", `must match format "date-time"`, exp)
	}
	return createPAT{description: desc, expiresAt: t}, nil
}

func typeDetail(path, problem string, sent any) *detail {
	b, err := json.Marshal(sent)
	if err != nil {
		b = []byte("undefined")
	}
	return &detail{Path: path, Message: fmt.Sprintf("The `%s` property %s. You sent %s.", path, problem, b)}
}

// coerceString is Ajv's coercion of a scalar to a string.
func coerceString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case nil:
		return "", true
	case bool:
		return strconv.FormatBool(v), true
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v.String(), true
		}
		return jsNumber(f), true
	}
	return "", false
}

// jsNumber formats f as JavaScript's Number.prototype.toString does.
func jsNumber(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := exp[:1]
	digits := strings.TrimLeft(exp[1:], "0")
	return mant + "e" + sign + digits
}

// dateTimeRE is the date-time format of ajv-formats (full mode): a time
// zone is required.
var dateTimeRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^(\d{4})-(\d{2})-(\d{2})[t\s](\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|([+-])(\d{2})(?::?(\d{2}))?)$`)
})

// parseDateTime checks s as ajv-formats does and returns it as JavaScript's
// Date would hold it (UTC, milliseconds).
func parseDateTime(s string) (time.Time, bool) {
	m := dateTimeRE().FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	year, month, day, hour, minute, sec := n(1), n(2), n(3), n(4), n(5), n(6)
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return time.Time{}, false
	}
	offset := 0
	if m[9] != "" {
		tzh, tzm := n(10), 0
		if m[11] != "" {
			tzm = n(11)
		}
		if tzh > 23 || tzm > 59 {
			return time.Time{}, false
		}
		offset = tzh*3600 + tzm*60
		if m[9] == "-" {
			offset = -offset
		}
	}
	if hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	if sec == 60 {
		// A leap second is valid only at 23:59:60 UTC.
		utc := (hour*60+minute)*60 - offset
		if (utc%86400+86400)%86400 != 23*3600+59*60 {
			return time.Time{}, false
		}
	}
	nanos := 0
	if frac := m[7]; frac != "" {
		digits := (frac[1:] + "000")[:3]
		ms, _ := strconv.Atoi(digits)
		nanos = ms * int(time.Millisecond)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.FixedZone("", offset))
	return t.UTC(), true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// idRE is what Ajv (coercing) accepts as an integer path parameter.
var idRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[+-]?\d+$`)
})

// parseID checks the {id} path parameter as an integer, as Unleash's
// OpenAPI validator does.
func parseID(s string) (int64, *detail) {
	if t := strings.TrimSpace(s); idRE().MatchString(t) {
		if id, err := strconv.ParseInt(t, 10, 64); err == nil {
			return id, nil
		}
	}
	return 0, typeDetail("/params/id", "must be integer", s)
}
