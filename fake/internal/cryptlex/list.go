package cryptlex

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listQuery is the query of a list request.
type listQuery struct {
	page, limit int
	sortField   string
	descending  bool
	search      string
}

// sortFields are the fields a list may be sorted by.
func sortFields() []string {
	return []string{"createdAt", "updatedAt", "name", "expiresAt", "lastUsedAt"}
}

// parseListQuery reads the query of a list request whose items may be
// sorted by fields.
func parseListQuery(r *http.Request, fields []string) (listQuery, *apiError) {
	q := r.URL.Query()
	lq := listQuery{page: 1, limit: defaultLimit, sortField: "createdAt", search: q.Get("search")}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return lq, errorf(http.StatusBadRequest, "page must be a positive integer.")
		}
		lq.page = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return lq, errorf(http.StatusBadRequest, fmt.Sprintf("limit must be a number between 1 and %d.", maxLimit))
		}
		lq.limit = n
	}
	if v := q.Get("sort"); v != "" {
		field, desc := strings.CutPrefix(v, "-")
		if !slices.Contains(fields, field) {
			return lq, errorf(http.StatusBadRequest, fmt.Sprintf("sort %q is invalid: sort by one of %s, with a leading - for descending order.",
				v, strings.Join(fields, ", ")))
		}
		lq.sortField, lq.descending = field, desc
	}
	return lq, nil
}

func (a *API) list(c *call) (int, any, *apiError) {
	lq, err := parseListQuery(c.r, sortFields())
	if err != nil {
		return 0, nil, err
	}
	// The user's tokens in the list's order, kept by the state: a page
	// costs what it holds (and, with a search, the tokens before it).
	pats := a.state.ordered(c.caller.UserID, listOrder{lq.sortField, lq.descending})
	out := []tokenJSON{}
	if lq.page > len(pats)/lq.limit+1 {
		return http.StatusOK, out, nil // beyond the last page
	}
	start := (lq.page - 1) * lq.limit
	if lq.search == "" {
		for _, t := range pats[min(start, len(pats)):min(start+lq.limit, len(pats))] {
			out = append(out, a.data.tokenView(t))
		}
		return http.StatusOK, out, nil
	}
	search := strings.ToLower(lq.search)
	found := 0
	for _, t := range pats {
		if len(out) == lq.limit {
			break
		}
		if strings.Contains(strings.ToLower(t.Name), search) {
			if found >= start {
				out = append(out, a.data.tokenView(t))
			}
			found++
		}
	}
	return http.StatusOK, out, nil
}

func cmpUint(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// compareField orders x and y by field; a missing time sorts after every
// time, as in PostgreSQL.
func compareField(x, y *pat, field string) int {
	switch field {
	case "name":
		return strings.Compare(x.Name, y.Name)
	case "updatedAt":
		return x.UpdatedAt.Compare(y.UpdatedAt)
	case "expiresAt":
		return compareOptional(x.ExpiresAt, y.ExpiresAt)
	case "lastUsedAt":
		return compareOptional(x.LastUsedAt, y.LastUsedAt)
	}
	return x.CreatedAt.Compare(y.CreatedAt)
}

func compareOptional(x, y *time.Time) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	return x.Compare(*y)
}
