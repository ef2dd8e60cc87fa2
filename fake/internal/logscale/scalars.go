package logscale

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Long is the GraphQL scalar Long: a 64-bit integer, which encoding/json
// (and so graphql-go) writes as a JSON number.
type Long int64

// ImplementsGraphQLType tells graphql-go that Long is the scalar Long.
func (Long) ImplementsGraphQLType(name string) bool { return name == "Long" }

// UnmarshalGraphQL reads a Long from a literal or a variable.
func (l *Long) UnmarshalGraphQL(input any) error {
	switch v := input.(type) {
	case int32:
		*l = Long(v)
	case int64:
		*l = Long(v)
	case int:
		*l = Long(v)
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return fmt.Errorf("Long cannot represent non-integer value: %v", v)
		}
		*l = Long(v)
	default:
		return fmt.Errorf("Long cannot represent value: %v", input)
	}
	return nil
}

// longPtr returns an optional epoch-milliseconds value as a *Long: the same
// pointer, which resolvers hand to graphql-go to read; the values it points
// to are never changed in place.
func longPtr(v *int64) *Long { return (*Long)(v) }

// RepoOrViewName is the GraphQL scalar RepoOrViewName: a repository's or
// view's name, sent as a string.
type RepoOrViewName string

// ImplementsGraphQLType tells graphql-go that RepoOrViewName is the scalar
// RepoOrViewName.
func (RepoOrViewName) ImplementsGraphQLType(name string) bool { return name == "RepoOrViewName" }

// UnmarshalGraphQL reads a RepoOrViewName from a string.
func (n *RepoOrViewName) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return fmt.Errorf("RepoOrViewName cannot represent value: %v", input)
	}
	*n = RepoOrViewName(s)
	return nil
}

// DateTime is the GraphQL scalar DateTime: an ISO-8601 time in UTC with
// milliseconds, such as "2024-10-22T13:23:26.707Z".
type DateTime time.Time

const dateTimeLayout = "2006-01-02T15:04:05.000Z"

// ImplementsGraphQLType tells graphql-go that DateTime is the scalar DateTime.
func (DateTime) ImplementsGraphQLType(name string) bool { return name == "DateTime" }

// UnmarshalGraphQL reads a DateTime from an RFC 3339 string.
func (d *DateTime) UnmarshalGraphQL(input any) error {
	s, ok := input.(string)
	if !ok {
		return fmt.Errorf("DateTime cannot represent value: %v", input)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("DateTime cannot represent value: %q", s)
	}
	*d = DateTime(t)
	return nil
}

// MarshalJSON writes d as a quoted ISO-8601 string.
func (d DateTime) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, time.Time(d).UTC().Format(dateTimeLayout)), nil
}
