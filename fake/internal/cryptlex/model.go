package cryptlex

import (
	"time"
)

// The data set of cryptlex.json. Dates are RFC 3339 strings.
type fixtureFile struct {
	// TenantID is the Cryptlex account the users belong to, the tenantid
	// claim of the tokens.
	TenantID             string          `json:"tenantId"`
	Resellers            []reseller      `json:"resellers"`
	Organizations        []organization  `json:"organizations"`
	Users                []user          `json:"users"`
	PersonalAccessTokens []fixturedToken `json:"personalAccessTokens"`
	Webhooks             []webhookFields `json:"webhooks"`
}

// reseller is a Cryptlex reseller as the API nests it.
type reseller struct {
	ID                   string    `json:"id"`
	CreatedAt            time.Time `json:"createdAt"`
	UpdatedAt            time.Time `json:"updatedAt"`
	Name                 string    `json:"name"`
	Email                string    `json:"email"`
	Description          string    `json:"description"`
	AllowedUsers         int       `json:"allowedUsers"`
	AllowedOrganizations int       `json:"allowedOrganizations"`
}

// address is an organization's postal address.
type address struct {
	AddressLine1 string `json:"addressLine1"`
	AddressLine2 string `json:"addressLine2"`
	City         string `json:"city"`
	State        string `json:"state"`
	Country      string `json:"country"`
	PostalCode   string `json:"postalCode"`
}

// organization is a Cryptlex organization; in fixtures it names its
// reseller by ResellerID.
type organization struct {
	ID           string    `json:"id"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Description  string    `json:"description"`
	AllowedUsers int       `json:"allowedUsers"`
	Address      address   `json:"address"`
	ResellerID   *string   `json:"resellerId"`
}

// metadata is a key-value pair attached to a user.
type metadata struct {
	ID              string    `json:"id"`
	CreatedAt       time.Time `json:"createdAt"`
	UpdatedAt       time.Time `json:"updatedAt"`
	Key             string    `json:"key"`
	Value           string    `json:"value"`
	ViewPermissions []string  `json:"viewPermissions"`
	Visible         bool      `json:"visible"`
}

// emailPreference is a user's e-mail settings.
type emailPreference struct {
	Metrics bool `json:"metrics"`
}

// user is a Cryptlex user; in fixtures it names its organization and
// reseller by id.
type user struct {
	ID                        string          `json:"id"`
	CreatedAt                 time.Time       `json:"createdAt"`
	UpdatedAt                 time.Time       `json:"updatedAt"`
	Name                      string          `json:"name"`
	FirstName                 string          `json:"firstName"`
	LastName                  string          `json:"lastName"`
	Email                     string          `json:"email"`
	Role                      string          `json:"role"`
	TwoFactorEnabled          bool            `json:"twoFactorEnabled"`
	GoogleSsoEnabled          bool            `json:"googleSsoEnabled"`
	LastLoginAt               *time.Time      `json:"lastLoginAt"`
	Company                   string          `json:"company"`
	AllowCustomerPortalAccess bool            `json:"allowCustomerPortalAccess"`
	Roles                     []string        `json:"roles"`
	LastSeenAt                *time.Time      `json:"lastSeenAt"`
	OrganizationID            *string         `json:"organizationId"`
	ResellerID                *string         `json:"resellerId"`
	Metadata                  []metadata      `json:"metadata"`
	Tags                      []string        `json:"tags"`
	EmailPreference           emailPreference `json:"emailPreference"`
}

// fixturedToken is a personal access token of the data set.
type fixturedToken struct {
	ID            string     `json:"id"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	Name          string     `json:"name"`
	ExpiresAt     *time.Time `json:"expiresAt"`
	Revoked       bool       `json:"revoked"`
	Scopes        []string   `json:"scopes"`
	UserID        string     `json:"userId"`
	LastUsedAt    *time.Time `json:"lastUsedAt"`
	LastRotatedAt *time.Time `json:"lastRotatedAt"`
}

// The shapes the API answers with.

type organizationJSON struct {
	organization
	Reseller *reseller `json:"reseller"`
}

// userJSON is a user as the API answers with it: its organization and
// reseller nested beside their ids.
type userJSON struct {
	user
	Organization *organizationJSON `json:"organization"`
	Reseller     *reseller         `json:"reseller"`
}

// tokenJSON is a personal access token as the API answers with it.
type tokenJSON struct {
	ID            string     `json:"id"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	Name          string     `json:"name"`
	ExpiresAt     *time.Time `json:"expiresAt"`
	Revoked       bool       `json:"revoked"`
	Scopes        []string   `json:"scopes"`
	UserID        string     `json:"userId"`
	User          *userJSON  `json:"user"`
	LastUsedAt    *time.Time `json:"lastUsedAt"`
	LastRotatedAt *time.Time `json:"lastRotatedAt"`
}
