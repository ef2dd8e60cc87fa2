package fake

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// AdminPrefix is where the admin API is served. Requests under it are never
// scripted nor journaled.
const AdminPrefix = "/_fake/"

// HealthPath is the admin API's health check: GET answers 200
// {"status":"ok"} while the server runs, with or without an admin token.
const HealthPath = AdminPrefix + "health"

// adminHandler serves the admin API: the Go API's operations over HTTP,
// JSON in and out.
func (s *Server) adminHandler() http.Handler {
	r := mux.NewRouter().SkipClean(true) // as the vendor routes: no redirects
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusNotFound, fmt.Sprintf("no admin route %s", r.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed on %s", r.Method, r.URL.Path))
	})
	for _, rt := range s.adminRoutes() {
		methods := []string{rt.Method}
		if rt.Method == http.MethodGet && rt.Path == HealthPath {
			methods = append(methods, http.MethodHead)
		}
		r.HandleFunc(rt.Path, rt.handler).Methods(methods...)
	}
	if s.cfg.adminToken == "" {
		return r
	}
	want := []byte("Bearer " + s.cfg.adminToken)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		open := req.URL.Path == HealthPath && (req.Method == http.MethodGet || req.Method == http.MethodHead)
		if !open && subtle.ConstantTimeCompare([]byte(req.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="tokenfake admin"`)
			writeAdminError(w, http.StatusUnauthorized, "the admin API needs Authorization: Bearer <admin token>")
			return
		}
		r.ServeHTTP(w, req)
	})
}

// adminRoute is one route of the admin API: what the index at / says of it
// and the handler that serves it.
type adminRoute struct {
	Method, Path, Does string
	handler            http.HandlerFunc
}

// adminRoutes are the admin API's routes, in the order the index lists
// them.
func (s *Server) adminRoutes() []adminRoute {
	return []adminRoute{
		{"GET", HealthPath, "health check", s.adminHealth},
		{"GET", "/_fake/credentials", "every credential of the fixtures", s.adminCredentials},
		{"POST", "/_fake/cryptlex/tokens", `a Cryptlex token: {"user": "jane.doe@example.com", "scopes": ["license:read"]}`, s.adminCryptlexToken},
		{"POST", "/_fake/reset", "back to the fixtures, the clock and the start-up scenarios", s.adminReset},
		{"GET", "/_fake/scenarios", "built-in and active scenarios", s.adminScenarios},
		{"PUT", "/_fake/scenarios/{name}", "activate a built-in scenario", s.adminActivateScenario},
		{"POST", "/_fake/scenarios", "activate the scenario in the body (YAML or JSON)", s.adminUploadScenario},
		{"DELETE", "/_fake/scenarios", "remove every scripted rule", s.adminClearScenarios},
		{"GET", "/_fake/requests", "the journal (?api=&operation=&method=&path=&status=&rule=)", s.adminRequests},
		{"DELETE", "/_fake/requests", "empty the journal", s.adminClearRequests},
		{"GET", "/_fake/clock", "the fake clock", s.adminClock},
		{"POST", "/_fake/clock", `move it: {"advance": "24h"} or {"set": "2030-01-01T00:00:00Z"}`, s.adminSetClock},
		{"GET", "/_fake/webhooks/deliveries", "the Cryptlex webhook deliveries and their attempts", s.adminDeliveries},
		{"POST", "/_fake/webhooks/flush", "wait until every due webhook delivery has been attempted", s.adminFlushDeliveries},
	}
}

// writeAdminJSON answers with status and v as JSON, ended by a newline so
// that it reads well in a terminal.
func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(api.MustJSON(v), '\n'))
}

// adminError is the body of every admin API error.
type adminError struct {
	Error string `json:"error"`
}

func writeAdminError(w http.ResponseWriter, status int, msg string) {
	writeAdminJSON(w, status, adminError{Error: msg})
}

type statusBody struct {
	Status string `json:"status"`
}

func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request) {
	writeAdminJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

func (s *Server) adminReset(w http.ResponseWriter, _ *http.Request) {
	s.Reset()
	s.releaseMemory()
	writeAdminJSON(w, http.StatusOK, statusBody{Status: "ok"})
}

// scenarioInfo describes a built-in scenario.
type scenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Rules       int    `json:"rules"`
}

// scenariosBody answers GET /_fake/scenarios and the activations.
type scenariosBody struct {
	Builtin []scenarioInfo `json:"builtin,omitempty"`
	Active  []ruleStatus   `json:"active"`
}

func (s *Server) adminScenarios(w http.ResponseWriter, _ *http.Request) {
	var body scenariosBody
	for _, sc := range BuiltinScenarios() {
		body.Builtin = append(body.Builtin, scenarioInfo{Name: sc.Name, Description: sc.Description, Rules: len(sc.Rules)})
	}
	body.Active = s.script.status()
	writeAdminJSON(w, http.StatusOK, body)
}

func (s *Server) adminActivateScenario(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	sc, err := builtinScenario(name)
	if err != nil {
		writeAdminError(w, http.StatusNotFound, fmt.Sprintf("unknown scenario %q (built-ins: %s)", name, strings.Join(builtinNames(), ", ")))
		return
	}
	s.activate(w, sc)
}

func (s *Server) adminUploadScenario(w http.ResponseWriter, r *http.Request) {
	data, err := api.ReadBody(r, api.MaxBodyBytes)
	if err != nil {
		if errors.Is(err, api.ErrBodyTooLarge) {
			writeAdminError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a scenario may have at most %d bytes", api.MaxBodyBytes))
			return
		}
		writeAdminError(w, http.StatusBadRequest, fmt.Sprintf("read scenario: %v", err))
		return
	}
	sc, err := ParseScenario("request body", data)
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.activate(w, sc)
}

func (s *Server) activate(w http.ResponseWriter, sc Scenario) {
	if err := s.addScenario(sc); err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*LimitError](err); ok {
			status = http.StatusConflict
		}
		writeAdminError(w, status, err.Error())
		return
	}
	writeAdminJSON(w, http.StatusOK, scenariosBody{Active: s.script.status()})
}

func (s *Server) adminClearScenarios(w http.ResponseWriter, _ *http.Request) {
	s.ClearScripts()
	writeAdminJSON(w, http.StatusOK, scenariosBody{Active: s.script.status()})
}

// requestsBody answers GET /_fake/requests.
type requestsBody struct {
	Requests []Request `json:"requests"`
}

func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "api", "operation", "method", "path", "status", "rule":
		default:
			writeAdminError(w, http.StatusBadRequest, fmt.Sprintf("unknown filter %q (known: api, operation, method, path, status, rule)", k))
			return
		}
	}
	f := Filter{API: q.Get("api"), Operation: q.Get("operation"), Method: q.Get("method"), Path: q.Get("path"), Rule: q.Get("rule")}
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeAdminError(w, http.StatusBadRequest, fmt.Sprintf("status: %q is not a number", v))
			return
		}
		f.Status = n
	}
	reqs, err := s.journal.find(f)
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAdminJSON(w, http.StatusOK, requestsBody{Requests: reqs})
}

func (s *Server) adminClearRequests(w http.ResponseWriter, _ *http.Request) {
	s.ClearRequests()
	writeAdminJSON(w, http.StatusOK, requestsBody{Requests: []Request{}})
}

// clockBody answers the clock routes.
type clockBody struct {
	Now time.Time `json:"now"`
}

// The years the admin API lets the clock reach: JSON's and .NET's date-time
// formats write four-digit years from 1.
const (
	minClockYear = 1
	maxClockYear = 9999
)

// clockChange is the body of POST /_fake/clock.
type clockChange struct {
	// Set stops the clock at this time (RFC 3339).
	Set *time.Time `json:"set"`
	// Advance moves it by this Go duration, such as "24h" or "-90s".
	Advance string `json:"advance"`
}

func (s *Server) adminClock(w http.ResponseWriter, _ *http.Request) {
	writeAdminJSON(w, http.StatusOK, clockBody{Now: s.clock.Now()})
}

func (s *Server) adminSetClock(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	var c clockChange
	if err := dec.Decode(&c); err != nil {
		writeAdminError(w, http.StatusBadRequest, fmt.Sprintf(`want {"advance":"24h"} or {"set":"2030-01-01T00:00:00Z"}: %v`, err))
		return
	}
	if c.Set == nil && c.Advance == "" {
		writeAdminError(w, http.StatusBadRequest, `want {"advance":"24h"} or {"set":"2030-01-01T00:00:00Z"}`)
		return
	}
	var d time.Duration
	if c.Advance != "" {
		var err error
		if d, err = time.ParseDuration(c.Advance); err != nil {
			writeAdminError(w, http.StatusBadRequest, fmt.Sprintf("advance: %q is not a duration such as \"24h\" or \"90s\"", c.Advance))
			return
		}
	}
	next := s.clock.Now()
	if c.Set != nil {
		next = *c.Set
	}
	if y := next.Add(d).Year(); y < minClockYear || y > maxClockYear {
		writeAdminError(w, http.StatusBadRequest, fmt.Sprintf("the clock would read year %d: it must stay within the years %d to %d, which every vendor's date format can write", y, minClockYear, maxClockYear))
		return
	}
	if c.Set != nil {
		s.clock.Set(*c.Set)
	}
	if d != 0 {
		s.clock.Advance(d)
	}
	writeAdminJSON(w, http.StatusOK, clockBody{Now: s.clock.Now()})
}
