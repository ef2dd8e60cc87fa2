package apitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// OpenAPI routes requests to the operations of one OpenAPI document. It is
// safe for concurrent use.
type OpenAPI struct {
	router routers.Router
}

// LoadOpenAPI reads and validates the OpenAPI document at path. Its servers are
// replaced by "/", so that requests to any host match.
func LoadOpenAPI(path string) (*OpenAPI, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document %s: %w", path, err)
	}
	doc.Servers = openapi3.Servers{{URL: "/"}}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("validate OpenAPI document %s: %w", path, err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route OpenAPI document %s: %w", path, err)
	}
	return &OpenAPI{router: router}, nil
}

// ErrNotDocumented is returned by Check for a method and path the document
// does not have.
var ErrNotDocumented = errors.New("operation not in the OpenAPI document")

// Check reports whether the answer (status, header, body) to req matches the
// document: a status it lists for the operation, the headers it requires
// and a body of the schema it gives.
func (c *OpenAPI) Check(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := c.router.FindRoute(req)
	if errors.Is(err, routers.ErrMethodNotAllowed) || errors.Is(err, routers.ErrPathNotFound) {
		return ErrNotDocumented
	}
	if err != nil {
		return fmt.Errorf("find OpenAPI route for %s %s: %w", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s -> %d does not match the OpenAPI document: %w", req.Method, req.URL.Path, status, err)
	}
	return nil
}
