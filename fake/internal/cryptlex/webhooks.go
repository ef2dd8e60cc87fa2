package cryptlex

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/tokenfake/tokenfake/fake/internal/api"
	"github.com/tokenfake/tokenfake/fake/internal/webhook"
)

// WebhooksPath is where the webhook routes are served.
const WebhooksPath = "/v3/webhooks"

// The scopes of the webhook routes.
const (
	ScopeReadWebhooks  = "webhook:read"
	ScopeWriteWebhooks = "webhook:write"
)

// The events the fake sends to webhooks.
const (
	EventPATCreated = "personalAccessToken.created"
	EventPATUpdated = "personalAccessToken.updated"
	EventPATDeleted = "personalAccessToken.deleted"
)

// Events returns the names of the events a webhook may subscribe to, as GET
// /v3/webhooks/events lists them.
func Events() []string { return []string{EventPATCreated, EventPATUpdated, EventPATDeleted} }

// Limits of the webhook routes.
const (
	// MaxWebhooks is how many webhooks an account may have.
	MaxWebhooks = 100
	// maxWebhookTokenLength is the longest webhook token, in characters.
	maxWebhookTokenLength = 256
	// maxURLLength is the longest webhook URL.
	maxURLLength = webhook.MaxURLLength
)

// webhookFields are a webhook's fields, as fixtures give them and the API
// answers with them.
type webhookFields struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	Token     string    `json:"token"`
	Active    bool      `json:"active"`
	Events    []string  `json:"events"`
}

// hook is a webhook in the state.
type hook struct {
	webhookFields
	seq uint64 // creation order
}

func (h *hook) view() webhookFields {
	v := h.webhookFields
	v.Events = slices.Clone(nonNil(h.Events))
	return v
}

// subscribed reports whether h is active and subscribed to event.
func (h *hook) subscribed(event string) bool {
	return h.Active && slices.Contains(h.Events, event)
}

// registerWebhooks adds the webhook routes to r.
func registerWebhooks(r *mux.Router) {
	collection := r.Path(WebhooksPath).Subrouter()
	collection.Methods("GET").Handler(route((*API).listWebhooks, ScopeReadWebhooks))
	collection.Methods("POST").Handler(route((*API).createWebhook, ScopeWriteWebhooks))
	collection.NewRoute().Handler(methodNotAllowed("GET, POST"))
	events := r.Path(WebhooksPath + "/events").Subrouter()
	events.Methods("GET").Handler(route((*API).listEvents, ScopeReadWebhooks))
	events.NewRoute().Handler(methodNotAllowed("GET"))
	item := r.Path(WebhooksPath + "/{id}").Subrouter()
	item.Methods("GET").Handler(route((*API).getWebhook, ScopeReadWebhooks))
	item.Methods("PATCH").Handler(route((*API).patchWebhook, ScopeWriteWebhooks))
	item.Methods("DELETE").Handler(route((*API).deleteWebhook, ScopeWriteWebhooks))
	item.NewRoute().Handler(methodNotAllowed("GET, PATCH, DELETE"))
	r.PathPrefix(WebhooksPath + "/").Handler(notFound())
}

func (a *API) listEvents(*call) (int, any, *apiError) {
	return http.StatusOK, Events(), nil
}

// webhookSortFields are the fields a webhook list may be sorted by.
func webhookSortFields() []string { return []string{"createdAt", "updatedAt", "name"} }

func (a *API) listWebhooks(c *call) (int, any, *apiError) {
	lq, err := parseListQuery(c.r, webhookSortFields())
	if err != nil {
		return 0, nil, err
	}
	search := strings.ToLower(lq.search)
	var found []*hook
	for _, h := range a.state.webhooks {
		if strings.Contains(strings.ToLower(h.Name), search) {
			found = append(found, h)
		}
	}
	slices.SortFunc(found, func(x, y *hook) int {
		n := 0
		switch lq.sortField {
		case "name":
			n = strings.Compare(x.Name, y.Name)
		case "updatedAt":
			n = x.UpdatedAt.Compare(y.UpdatedAt)
		default:
			n = x.CreatedAt.Compare(y.CreatedAt)
		}
		if lq.descending {
			n = -n
		}
		if n != 0 {
			return n
		}
		return cmpUint(x.seq, y.seq)
	})
	out := []webhookFields{}
	for _, h := range page(found, lq) {
		out = append(out, h.view())
	}
	return http.StatusOK, out, nil
}

// page is the page of found that lq asks for.
func page[T any](found []T, lq listQuery) []T {
	start := (lq.page - 1) * lq.limit
	if lq.page > len(found)/lq.limit+1 || start >= len(found) {
		return nil
	}
	return found[start:min(start+lq.limit, len(found))]
}

// findWebhook returns the webhook named by the path's id.
func (a *API) findWebhook(c *call) (*hook, *apiError) {
	h := a.state.webhooks[api.Vars(c.r)["id"]]
	if h == nil {
		return nil, errorf(http.StatusNotFound, "Webhook not found.")
	}
	return h, nil
}

func (a *API) getWebhook(c *call) (int, any, *apiError) {
	h, err := a.findWebhook(c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, h.view(), nil
}

// webhookInput is the validated fields of a create or update request; nil
// fields were not given.
type webhookInput struct {
	name, url, token *string
	active           *bool
	events           []string
}

// parseWebhook validates the fields of a webhook request body. With
// required, name, url, token and events must be given.
func (a *API) parseWebhook(body []byte, required bool) (webhookInput, *apiError) {
	var in webhookInput
	fields, err := decodeObject(body)
	if err != nil {
		return in, err
	}
	bad := func(format string, args ...any) (webhookInput, *apiError) {
		return in, errorf(http.StatusBadRequest, fmt.Sprintf(format, args...))
	}
	text := func(key string, maxLen int) (*string, string) {
		raw := fields[key]
		if isNull(raw) {
			if required {
				return nil, key + " is required."
			}
			return nil, ""
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, key + " must be a string."
		}
		if n := utf8.RuneCountInString(s); n < 1 || n > maxLen {
			return nil, fmt.Sprintf("%s must be between 1 and %d characters long.", key, maxLen)
		}
		return &s, ""
	}
	var msg string
	if in.name, msg = text("name", maxNameLength); msg != "" {
		return bad("%s", msg)
	}
	if in.url, msg = text("url", maxURLLength); msg != "" {
		return bad("%s", msg)
	}
	if in.url != nil {
		if err := a.hosts.CheckURL(*in.url); err != nil {
			return bad("%s", err.Error())
		}
	}
	if in.token, msg = text("token", maxWebhookTokenLength); msg != "" {
		return bad("%s", msg)
	}
	if raw := fields["events"]; !isNull(raw) {
		var events []string
		if json.Unmarshal(raw, &events) != nil {
			return bad("events must be an array of strings.")
		}
		if len(events) == 0 {
			return bad("events must contain at least one event.")
		}
		in.events = []string{}
		for _, e := range events {
			if !slices.Contains(Events(), e) {
				return bad("events contains an unknown event: %q (known: %s).", e, strings.Join(Events(), ", "))
			}
			if !slices.Contains(in.events, e) {
				in.events = append(in.events, e)
			}
		}
	} else if required {
		return bad("events is required.")
	}
	if raw := fields["active"]; !isNull(raw) {
		var active bool
		if json.Unmarshal(raw, &active) != nil {
			return bad("active must be a boolean.")
		}
		in.active = &active
	}
	return in, nil
}

func (a *API) createWebhook(c *call) (int, any, *apiError) {
	in, err := a.parseWebhook(c.body, true)
	if err != nil {
		return 0, nil, err
	}
	if len(a.state.webhooks) >= MaxWebhooks {
		return 0, nil, errorf(http.StatusBadRequest, fmt.Sprintf("The account already has the maximum number of webhooks (%d).", MaxWebhooks))
	}
	h := &hook{webhookFields: webhookFields{
		ID: a.env.Random.UUID(), CreatedAt: c.now, UpdatedAt: c.now,
		Name: *in.name, URL: *in.url, Token: *in.token, Active: true, Events: in.events,
	}}
	if in.active != nil {
		h.Active = *in.active
	}
	a.state.addWebhook(h)
	return http.StatusCreated, h.view(), nil
}

func (a *API) patchWebhook(c *call) (int, any, *apiError) {
	in, err := a.parseWebhook(c.body, false)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.findWebhook(c)
	if err != nil {
		return 0, nil, err
	}
	before := h.view()
	if in.name != nil {
		h.Name = *in.name
	}
	if in.url != nil {
		h.URL = *in.url
	}
	if in.token != nil {
		h.Token = *in.token
	}
	if in.events != nil {
		h.Events = in.events
	}
	if in.active != nil {
		h.Active = *in.active
	}
	if !webhookEqual(before, h.webhookFields) {
		h.UpdatedAt = c.now
		if !h.Active {
			a.hooks.Cancel(h.ID)
		}
	}
	return http.StatusOK, h.view(), nil
}

func webhookEqual(x, y webhookFields) bool {
	return x.Name == y.Name && x.URL == y.URL && x.Token == y.Token && x.Active == y.Active && slices.Equal(x.Events, y.Events)
}

func (a *API) deleteWebhook(c *call) (int, any, *apiError) {
	h, err := a.findWebhook(c)
	if err != nil {
		return 0, nil, err
	}
	delete(a.state.webhooks, h.ID)
	a.hooks.Cancel(h.ID)
	return http.StatusNoContent, nil, nil
}

// disableWebhook switches the webhook id off after its deliveries failed
// webhook.MaxFailures times in a row.
func (a *API) disableWebhook(id string) {
	a.lockState()
	defer a.mu.Unlock()
	if h := a.state.webhooks[id]; h != nil && h.Active {
		h.Active, h.UpdatedAt = false, a.env.Now().Truncate(timePrecision)
	}
}

// event is the body of a webhook delivery.
type event struct {
	Event       string    `json:"event"`
	Data        any       `json:"data"`
	TriggeredAt time.Time `json:"triggeredAt"`
}

// emit queues a delivery of name to every active webhook subscribed to it,
// in the order the webhooks were created; a.mu is held. data is the token
// as GET returns it, at now.
func (a *API) emit(name string, data tokenJSON, now time.Time) {
	var to []*hook
	for _, h := range a.state.webhooks {
		if h.subscribed(name) {
			to = append(to, h)
		}
	}
	if len(to) == 0 {
		return
	}
	slices.SortFunc(to, func(x, y *hook) int { return cmpUint(x.seq, y.seq) })
	// data shares only values that never change once stored (the fixtures'
	// users, a token's scopes and times), so it may be encoded later.
	targets := make([]webhook.Target, len(to))
	for i, h := range to {
		targets[i] = webhook.Target{ID: h.ID, URL: h.URL, Token: h.Token}
	}
	a.hooks.Send(targets, name, webhook.NewPayload(event{Event: name, Data: data, TriggeredAt: now}))
}
