package api

import "context"

// Note is what a vendor handler tells the server about the request it
// served, for the request's journal entry. The server puts a Note in every
// vendor request's context; a handler fills in what applies.
type Note struct {
	// Ingested is set by an ingest endpoint that accepted events.
	Ingested *Ingested
}

// Ingested is what one accepted ingest request delivered.
type Ingested struct {
	Repository string // the repository's name
	Token      string // the ingest token's name
	Events     int
}

type noteKey struct{}

// WithNote returns ctx carrying n.
func WithNote(ctx context.Context, n *Note) context.Context {
	return context.WithValue(ctx, noteKey{}, n)
}

// NoteFrom returns the Note of ctx; a request served without the server
// (a handler called directly) gets a Note nobody reads.
func NoteFrom(ctx context.Context) *Note {
	if n, ok := ctx.Value(noteKey{}).(*Note); ok {
		return n
	}
	return &Note{}
}
