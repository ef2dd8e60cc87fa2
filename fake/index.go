package fake

import (
	"bytes"
	"fmt"
	"html"
	"mime"
	"net/http"
	"strings"
)

// indexRoute is one line of the index: a route and what it does.
type indexRoute struct {
	Method, Path, Does string
}

// indexSection is one API of the index.
type indexSection struct {
	Title  string
	Routes []indexRoute
	// Credentials are the fixtures' credentials that authenticate,
	// as Authorization header values.
	Credentials []Credential
}

// indexPage is what the index says.
type indexPage struct {
	Status   int    // 200 for /, 404 for a path no API serves
	Missing  string // the request, for a 404
	Sections []indexSection
	Admin    []indexRoute
	Guarded  bool // the admin API needs the admin token
}

// serveIndex answers GET / with an index of what the server serves, and a
// path that no API serves with 404 and the same index: as text, or as an
// HTML page for a client that accepts text/html.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	page := indexPage{Status: http.StatusOK, Guarded: s.cfg.adminToken != ""}
	for _, rt := range s.adminRoutes() {
		page.Admin = append(page.Admin, indexRoute{Method: rt.Method, Path: rt.Path, Does: rt.Does})
	}
	if r.URL.Path != "/" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		page.Status = http.StatusNotFound
		page.Missing = r.Method + " " + r.URL.Path
	}
	creds := s.Credentials()
	for _, v := range s.vendors {
		sec := indexSection{Title: v.Title()}
		for _, r := range v.Routes() {
			sec.Routes = append(sec.Routes, indexRoute{Method: r.Method, Path: r.Path, Does: r.Does})
		}
		for _, c := range creds {
			if c.API == v.Name() && c.Note == "" && c.User != "" {
				sec.Credentials = append(sec.Credentials, c)
				break // the first live credential of a user; all at /_fake/credentials
			}
		}
		page.Sections = append(page.Sections, sec)
	}
	var body bytes.Buffer
	if acceptsHTML(r.Header.Get("Accept")) {
		writeIndexHTML(&body, page)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	} else {
		writeIndexText(&body, page)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Content-Length", fmt.Sprint(body.Len()))
	w.WriteHeader(page.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body.Bytes())
	}
}

// acceptsHTML reports whether an Accept header asks for text/html, as
// browsers send it.
func acceptsHTML(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		if mt, params, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/html" && params["q"] != "0" {
			return true
		}
	}
	return false
}

func writeIndexText(b *bytes.Buffer, p indexPage) {
	if p.Missing != "" {
		fmt.Fprintf(b, "404: nothing is served at %s. This server serves:\n\n", p.Missing)
	}
	b.WriteString("tokenfake: a fake of the LogScale, Unleash and Cryptlex access-token APIs.\n")
	for _, sec := range p.Sections {
		fmt.Fprintf(b, "\n%s\n", sec.Title)
		for _, r := range sec.Routes {
			fmt.Fprintf(b, "  %-6s %-34s %s\n", r.Method, r.Path, r.Does)
		}
		for _, c := range sec.Credentials {
			fmt.Fprintf(b, "  as %s: Authorization: %s\n", c.User, c.Authorization)
		}
	}
	b.WriteString("\nAdmin API")
	if p.Guarded {
		b.WriteString(" (Authorization: Bearer <admin token>, except /_fake/health)")
	}
	b.WriteString("\n")
	for _, r := range p.Admin {
		fmt.Fprintf(b, "  %-6s %-34s %s\n", r.Method, r.Path, r.Does)
	}
	b.WriteString("\nEvery credential: GET /_fake/credentials or fakeserver credentials.\n")
}

// writeIndexHTML writes the index as an HTML page. Every text from outside
// the page (the request's path, route descriptions, credentials) is
// escaped.
func writeIndexHTML(b *bytes.Buffer, p indexPage) {
	e := html.EscapeString
	b.WriteString(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>tokenfake</title>
<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}code{word-break:break-all}td{padding:.2em .6em;vertical-align:top}</style>
</head>
<body>
`)
	if p.Missing != "" {
		fmt.Fprintf(b, "<p><strong>404:</strong> nothing is served at <code>%s</code>. This server serves:</p>\n", e(p.Missing))
	}
	b.WriteString("<h1>tokenfake</h1>\n<p>A fake of the LogScale, Unleash and Cryptlex access-token APIs.</p>\n")
	routes := func(rs []indexRoute) {
		b.WriteString("<table>")
		for _, r := range rs {
			fmt.Fprintf(b, "<tr><td>%s</td><td><code>%s</code></td><td>%s</td></tr>", e(r.Method), e(r.Path), e(r.Does))
		}
		b.WriteString("</table>\n")
	}
	for _, sec := range p.Sections {
		fmt.Fprintf(b, "<h2>%s</h2>\n", e(sec.Title))
		routes(sec.Routes)
		for _, c := range sec.Credentials {
			fmt.Fprintf(b, "<p>As %s: <code>Authorization: %s</code></p>\n", e(c.User), e(c.Authorization))
		}
	}
	b.WriteString("<h2>Admin API</h2>\n")
	if p.Guarded {
		b.WriteString("<p>Every route but <code>/_fake/health</code> needs <code>Authorization: Bearer &lt;admin token&gt;</code>.</p>\n")
	}
	routes(p.Admin)
	b.WriteString(`<p>Every credential: <a href="/_fake/credentials">/_fake/credentials</a>, or <code>fakeserver credentials</code>.</p>
</body>
</html>
`)
}
