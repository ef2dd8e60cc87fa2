package fake

// IngestCount is what one LogScale ingest token sent to its repository
// through the ingest endpoints (POST /api/v1/ingest/humio-structured,
// /api/v1/ingest/humio-unstructured, /api/v1/ingest/hec, /services/collector
// and /api/v1/ingest/raw). The events themselves are not kept.
type IngestCount struct {
	// Repository is the repository's name.
	Repository string `json:"repository"`
	// Token is the ingest token's name.
	Token string `json:"token"`
	// Requests is how many requests the endpoints accepted with the token.
	Requests int `json:"requests"`
	// Events is how many events those requests held.
	Events int `json:"events"`
}

// Ingested is what one accepted LogScale ingest request delivered: the
// journal keeps it with the request (Request.Ingested).
type Ingested struct {
	// Repository is the repository's name.
	Repository string `json:"repository"`
	// Token is the ingest token's name.
	Token string `json:"token"`
	// Events is how many events the request held.
	Events int `json:"events"`
}

// IngestedEvents returns what each LogScale ingest token has sent since the
// server started or was last Reset, in order of repository name, then token
// name. Only accepted requests count: one refused (401, 400, 413, or
// answered by a scripted rule) counts nothing.
func (s *Server) IngestedEvents() []IngestCount {
	counts := s.logscale.Ingested()
	out := make([]IngestCount, len(counts))
	for i, c := range counts {
		out[i] = IngestCount(c)
	}
	return out
}
