package logscale

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/tokenfake/tokenfake/fake/internal/random"
)

// builtInParsers are the names of the parsers every repository has. LogScale
// ships more or fewer depending on its version; this list is the fake's
// choice of the common ones.
var builtInParsers = []string{
	"accesslog", "audit-log", "corelight-es", "corelight-json", "json", "json-for-action",
	"kv", "kv-generic", "kv-millis", "serilog-jsonformatter", "syslog", "syslog-utc", "zeek-json",
}

// Caps on what addIngestTokenV3 accepts.
const (
	// MaxCustomTokenLength is the longest token string accepted as customToken.
	MaxCustomTokenLength = 255
	// MaxIngestTokenNameLength is the longest name of an ingest token, in bytes.
	MaxIngestTokenNameLength = 255
	// MaxIngestTokensPerRepository is how many ingest tokens a repository
	// can have.
	MaxIngestTokensPerRepository = 1000
)

// Messages of the ingest token mutations that LogScale's documentation does
// not spell out.
var (
	errCustomToken      = fmt.Errorf("The custom token must be 1 to %d printable characters without spaces.", MaxCustomTokenLength)
	errCustomTokenTaken = errors.New("The custom token is already in use.")
	errIngestNameLength = fmt.Errorf("The name must be at most %d characters long.", MaxIngestTokenNameLength)
	errTooManyIngest    = fmt.Errorf("A repository can have at most %d ingest tokens.", MaxIngestTokensPerRepository)
)

func errIngestTokenExists(name string) error {
	return fmt.Errorf("An ingest token with the name '%s' already exists.", name)
}

func errParserNotFound(name string) error {
	return fmt.Errorf("Could not find a parser with the name '%s'.", name)
}

// eventParser is one of a repository's parsers.
type eventParser struct {
	id          string
	name        string
	description string
	builtIn     bool
}

// ingestToken is one of a repository's ingest tokens. Like every entity it
// is never changed once stored.
type ingestToken struct {
	repoID   string
	name     string
	token    string // the token string shippers send
	parserID string // "" for none
}

// parserID returns the id of the parser name of the repository with id
// repoID: the same for every server, seed and run.
func parserID(repoID, name string) string {
	sum := sha256.Sum256([]byte(repoID + "/" + name))
	out := make([]byte, entityIDLength) // entityIDLength <= len(sum)
	for i := range out {
		out[i] = random.Alnum[int(sum[i])%len(random.Alnum)]
	}
	return string(out)
}

// builtInParserList returns the built-in parsers of the repository with id
// repoID.
func builtInParserList(repoID string) []*eventParser {
	out := make([]*eventParser, 0, len(builtInParsers))
	for _, name := range builtInParsers {
		out = append(out, &eventParser{id: parserID(repoID, name), name: name, builtIn: true})
	}
	return out
}

// parserByName finds the parser called name of the repository with id repoID.
func (s *state) parserByName(repoID, name string) *eventParser {
	i := slices.IndexFunc(s.parsers[repoID], func(p *eventParser) bool { return p.name == name })
	if i < 0 {
		return nil
	}
	return s.parsers[repoID][i]
}

// parserByID finds the parser with id of the repository with id repoID.
func (s *state) parserByID(repoID, id string) *eventParser {
	i := slices.IndexFunc(s.parsers[repoID], func(p *eventParser) bool { return p.id == id })
	if i < 0 {
		return nil
	}
	return s.parsers[repoID][i]
}

// ingestTokenByName finds the ingest token called name of the repository
// with id repoID.
func (s *state) ingestTokenByName(repoID, name string) *ingestToken {
	i := slices.IndexFunc(s.ingestTokens[repoID], func(t *ingestToken) bool { return t.name == name })
	if i < 0 {
		return nil
	}
	return s.ingestTokens[repoID][i]
}

// putIngestToken stores t, replacing the token of its repository with the
// same name. A repository's tokens are kept in order of name.
func (s *state) putIngestToken(t *ingestToken) {
	list := slices.Clone(s.ingestTokens[t.repoID])
	if i := slices.IndexFunc(list, func(o *ingestToken) bool { return o.name == t.name }); i >= 0 {
		delete(s.ingestBySecret, list[i].token)
		list = slices.Delete(list, i, i+1)
	}
	i, _ := slices.BinarySearchFunc(list, t, func(a, b *ingestToken) int { return cmp.Compare(a.name, b.name) })
	s.ingestTokens[t.repoID] = slices.Insert(list, i, t)
	s.ingestBySecret[t.token] = t
}

// removeIngestToken deletes t.
func (s *state) removeIngestToken(t *ingestToken) {
	s.ingestTokens[t.repoID] = slices.DeleteFunc(slices.Clone(s.ingestTokens[t.repoID]), func(o *ingestToken) bool { return o.name == t.name })
	delete(s.ingestBySecret, t.token)
}

// repositoryIngestToken finds the repository called repoName and its
// ingest token called name: Entity Not Found when either is missing.
func (s *state) repositoryIngestToken(repoName, name string) (*searchDomain, *ingestToken, error) {
	repo := s.repositoryByName(repoName)
	if repo == nil {
		return nil, nil, errNotFound
	}
	t := s.ingestTokenByName(repo.id, name)
	if t == nil {
		return nil, nil, errNotFound
	}
	return repo, t, nil
}

// repositoryByName finds a repository (not a view) by name, as domainByName does.
func (s *state) repositoryByName(name string) *searchDomain {
	d := s.domainByName(name)
	if d == nil || !d.isRepository {
		return nil
	}
	return d
}

// validCustomToken reports whether s can be a token string: not empty, not
// too long, printable and without spaces, so that it fits in an
// Authorization header.
func validCustomToken(s string) bool {
	if s == "" || len(s) > MaxCustomTokenLength {
		return false
	}
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// Repository resolves Query.repository: a repository, not a view. The fake
// has no hidden repositories.
func (queryRoot) Repository(ctx context.Context, args struct {
	Name          string
	IncludeHidden *bool
}) (*searchDomainResolver, error) {
	c := callFrom(ctx)
	c.api.mu.RLock()
	defer c.api.mu.RUnlock()
	d := c.api.st.repositoryByName(args.Name)
	if d == nil {
		return nil, errNotFound
	}
	return &searchDomainResolver{api: c.api, d: d}, nil
}

// IngestTokens resolves Repository.ingestTokens, in order of name.
func (r *searchDomainResolver) IngestTokens() []*ingestTokenResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	list := r.api.st.ingestTokens[r.d.id]
	out := make([]*ingestTokenResolver, 0, len(list))
	for _, t := range list {
		out = append(out, &ingestTokenResolver{api: r.api, t: t})
	}
	return out
}

// Parsers resolves Repository.parsers: the built-in parsers, then the
// repository's own, each in order of name.
func (r *searchDomainResolver) Parsers() []*parserResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	list := r.api.st.parsers[r.d.id]
	out := make([]*parserResolver, 0, len(list))
	for _, p := range list {
		out = append(out, &parserResolver{p: p})
	}
	return out
}

// Parser resolves Repository.parser: the parser with the id and the name
// given (either may be left out), or null.
func (r *searchDomainResolver) Parser(args struct{ ID, Name *string }) *parserResolver {
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	for _, p := range r.api.st.parsers[r.d.id] {
		if (args.ID == nil || *args.ID == p.id) && (args.Name == nil || *args.Name == p.name) {
			return &parserResolver{p: p}
		}
	}
	return nil
}

// ingestTokenResolver resolves IngestToken.
type ingestTokenResolver struct {
	api *API
	t   *ingestToken
}

// Name resolves IngestToken.name.
func (r *ingestTokenResolver) Name() string { return r.t.name }

// Token resolves IngestToken.token.
func (r *ingestTokenResolver) Token() string { return r.t.token }

// Parser resolves IngestToken.parser.
func (r *ingestTokenResolver) Parser() *parserResolver {
	if r.t.parserID == "" {
		return nil
	}
	r.api.mu.RLock()
	defer r.api.mu.RUnlock()
	if p := r.api.st.parserByID(r.t.repoID, r.t.parserID); p != nil {
		return &parserResolver{p: p}
	}
	return nil
}

// parserResolver resolves Parser.
type parserResolver struct{ p *eventParser }

// ID resolves Parser.id.
func (r *parserResolver) ID() string { return r.p.id }

// Name resolves Parser.name.
func (r *parserResolver) Name() string { return r.p.name }

// DisplayName resolves Parser.displayName: the name, as no parser of the
// fake comes from a package.
func (r *parserResolver) DisplayName() string { return r.p.name }

// Description resolves Parser.description.
func (r *parserResolver) Description() *string { return optional(r.p.description) }

// IsBuiltIn resolves Parser.isBuiltIn.
func (r *parserResolver) IsBuiltIn() bool { return r.p.builtIn }

// unassignResult resolves UnassignIngestTokenMutation.
type unassignResult struct{ repo *searchDomainResolver }

// Repository resolves UnassignIngestTokenMutation.repository.
func (u *unassignResult) Repository() *searchDomainResolver { return u.repo }

// newIngestSecret draws a token string, in LogScale's UUID form, that no
// ingest token has. The caller holds a.mu.
func (a *API) newIngestSecret() string {
	for {
		s := a.env.Random.UUID()
		if a.st.ingestBySecret[s] == nil {
			return s
		}
	}
}

// AddIngestTokenV3 resolves Mutation.addIngestTokenV3. An empty parser is
// the same as none. Every check runs before the token string is drawn, so
// a refused call leaves the id generator where it was.
func (mutationRoot) AddIngestTokenV3(ctx context.Context, args struct {
	Input struct {
		RepositoryName string
		Name           string
		Parser         *string
		CustomToken    *string
	}
}) (*ingestTokenResolver, error) {
	a := callFrom(ctx).api
	in := args.Input
	a.lockToChange()
	defer a.mu.Unlock()
	repo := a.st.repositoryByName(in.RepositoryName)
	if repo == nil {
		return nil, errNotFound
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, errNameEmpty
	}
	if len(name) > MaxIngestTokenNameLength {
		return nil, errIngestNameLength
	}
	if a.st.ingestTokenByName(repo.id, name) != nil {
		return nil, errIngestTokenExists(name)
	}
	if len(a.st.ingestTokens[repo.id]) >= MaxIngestTokensPerRepository {
		return nil, errTooManyIngest
	}
	t := &ingestToken{repoID: repo.id, name: name}
	if in.Parser != nil && *in.Parser != "" {
		p := a.st.parserByName(repo.id, *in.Parser)
		if p == nil {
			return nil, errParserNotFound(*in.Parser)
		}
		t.parserID = p.id
	}
	if in.CustomToken != nil {
		if !validCustomToken(*in.CustomToken) {
			return nil, errCustomToken
		}
		if a.st.ingestBySecret[*in.CustomToken] != nil {
			return nil, errCustomTokenTaken
		}
		t.token = *in.CustomToken
	} else {
		t.token = a.newIngestSecret()
	}
	a.st.putIngestToken(t)
	return &ingestTokenResolver{api: a, t: t}, nil
}

// AssignParserToIngestTokenV2 resolves Mutation.assignParserToIngestTokenV2.
func (mutationRoot) AssignParserToIngestTokenV2(ctx context.Context, args struct {
	Input struct{ RepositoryName, TokenName, Parser string }
}) (*ingestTokenResolver, error) {
	a := callFrom(ctx).api
	in := args.Input
	a.lockToChange()
	defer a.mu.Unlock()
	repo, old, err := a.st.repositoryIngestToken(in.RepositoryName, in.TokenName)
	if err != nil {
		return nil, err
	}
	p := a.st.parserByName(repo.id, in.Parser)
	if p == nil {
		return nil, errParserNotFound(in.Parser)
	}
	t := *old
	t.parserID = p.id
	a.st.putIngestToken(&t)
	return &ingestTokenResolver{api: a, t: &t}, nil
}

// UnassignIngestToken resolves Mutation.unassignIngestToken. A token without
// a parser stays without one.
func (mutationRoot) UnassignIngestToken(ctx context.Context, args struct{ RepositoryName, TokenName string }) (*unassignResult, error) {
	a := callFrom(ctx).api
	a.lockToChange()
	defer a.mu.Unlock()
	repo, old, err := a.st.repositoryIngestToken(args.RepositoryName, args.TokenName)
	if err != nil {
		return nil, err
	}
	t := *old
	t.parserID = ""
	a.st.putIngestToken(&t)
	return &unassignResult{repo: &searchDomainResolver{api: a, d: repo}}, nil
}

// RemoveIngestToken resolves Mutation.removeIngestToken. The token string
// stops working at once.
func (mutationRoot) RemoveIngestToken(ctx context.Context, args struct{ RepositoryName, Name string }) (*booleanResult, error) {
	a := callFrom(ctx).api
	a.lockToChange()
	defer a.mu.Unlock()
	_, t, err := a.st.repositoryIngestToken(args.RepositoryName, args.Name)
	if err != nil {
		return nil, err
	}
	a.st.removeIngestToken(t)
	return &booleanResult{ok: true}, nil
}
