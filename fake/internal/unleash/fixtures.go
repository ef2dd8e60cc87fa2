package unleash

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/tokenfake/tokenfake/fake/internal/api"
)

// FixtureFile is the name of the API's file in a fixture directory.
const FixtureFile = "unleash.json"

// fixtureData is the format of unleash.json.
type fixtureData struct {
	// PATsDisabled turns the PAT kill switch on (as Options.PATsDisabled).
	PATsDisabled bool `json:"patsDisabled"`
	// PATLimit is how many PATs one user may hold; 0 means DefaultPATLimit.
	PATLimit  int               `json:"patLimit"`
	Users     []fixtureUser     `json:"users"`
	PATs      []fixturePAT      `json:"pats"`
	APITokens []fixtureAPIToken `json:"apiTokens"`
}

type fixtureUser struct {
	ID       int    `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Email    string `json:"email"`
}

type fixturePAT struct {
	ID          int     `json:"id"`
	UserID      int     `json:"userId"`
	Description string  `json:"description"`
	Secret      string  `json:"secret"`
	CreatedAt   string  `json:"createdAt"`
	ExpiresAt   string  `json:"expiresAt"`
	SeenAt      *string `json:"seenAt"`
}

type fixtureAPIToken struct {
	Secret    string `json:"secret"`
	TokenName string `json:"tokenName"`
	Type      string `json:"type"`
}

// loadFixtures reads unleash.json from fsys and checks it by building the
// state it describes. A missing file gives empty data.
func loadFixtures(fsys fs.FS) (fixtureData, *state, error) {
	var fx fixtureData
	if _, err := api.ReadFixture(fsys, FixtureFile, &fx); err != nil {
		return fx, nil, err
	}
	st, err := newState(fx)
	if err != nil {
		return fx, nil, api.FixtureError(fsys, FixtureFile, err)
	}
	return fx, st, nil
}

// newState checks fx and builds the state it describes.
func newState(fx fixtureData) (*state, error) {
	if fx.PATLimit < 0 {
		return nil, fmt.Errorf("patLimit %d is negative", fx.PATLimit)
	}
	st := &state{
		disabled:  fx.PATsDisabled,
		limit:     fx.PATLimit,
		users:     make(map[int]*user, len(fx.Users)),
		pats:      make(map[int]*pat, len(fx.PATs)),
		bySecret:  make(map[string]*pat, len(fx.PATs)),
		apiTokens: make(map[string]bool, len(fx.APITokens)),
		nextID:    1,
	}
	if st.limit == 0 {
		st.limit = DefaultPATLimit
	}
	for i, u := range fx.Users {
		if u.ID < 1 {
			return nil, fmt.Errorf("users[%d]: id must be a positive integer", i)
		}
		if st.users[u.ID] != nil {
			return nil, fmt.Errorf("users[%d]: duplicate id %d", i, u.ID)
		}
		if u.Username == "" && u.Email == "" {
			return nil, fmt.Errorf("users[%d]: needs a username or an email", i)
		}
		st.users[u.ID] = &user{id: u.ID}
	}
	for i, p := range fx.PATs {
		if err := st.addFixturePAT(p); err != nil {
			return nil, fmt.Errorf("pats[%d]: %w", i, err)
		}
	}
	for i, t := range fx.APITokens {
		switch {
		case t.Secret == "":
			return nil, fmt.Errorf("apiTokens[%d]: secret is required", i)
		case strings.HasPrefix(t.Secret, patPrefix):
			return nil, fmt.Errorf("apiTokens[%d]: secret must not start with %q (that marks a PAT)", i, patPrefix)
		case t.Type != "admin":
			return nil, fmt.Errorf("apiTokens[%d]: type %q: only admin tokens are served on the admin API", i, t.Type)
		case st.apiTokens[t.Secret]:
			return nil, fmt.Errorf("apiTokens[%d]: duplicate secret", i)
		}
		st.apiTokens[t.Secret] = true
	}
	return st, nil
}

func (st *state) addFixturePAT(p fixturePAT) error {
	switch {
	case p.ID < 1:
		return errors.New("id must be a positive integer")
	case st.pats[p.ID] != nil:
		return fmt.Errorf("duplicate id %d", p.ID)
	case st.users[p.UserID] == nil:
		return fmt.Errorf("userId %d is not a user", p.UserID)
	case p.Description == "":
		return errors.New("description is required")
	case !strings.HasPrefix(p.Secret, patPrefix) || len(p.Secret) == len(patPrefix):
		return fmt.Errorf("secret must start with %q", patPrefix)
	case st.bySecret[p.Secret] != nil:
		return errors.New("duplicate secret")
	}
	if st.users[p.UserID].hasDescription(p.Description) {
		return fmt.Errorf("description %q is used twice by user %d", p.Description, p.UserID)
	}
	created, err := parseFixtureTime("createdAt", p.CreatedAt)
	if err != nil {
		return err
	}
	expires, err := parseFixtureTime("expiresAt", p.ExpiresAt)
	if err != nil {
		return err
	}
	np := &pat{id: p.ID, userID: p.UserID, description: p.Description, secret: p.Secret, createdAt: created, expiresAt: expires}
	if p.SeenAt != nil {
		seen, err := parseFixtureTime("seenAt", *p.SeenAt)
		if err != nil {
			return err
		}
		np.seenAt = seen
	}
	st.insert(np)
	if p.ID >= st.nextID {
		st.nextID = p.ID + 1
	}
	return nil
}

func parseFixtureTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 date-time", field, s)
	}
	return t.UTC().Truncate(time.Millisecond), nil
}
