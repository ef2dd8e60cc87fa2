// Package envvar names the environment variables the fakeserver binary
// reads. The binary and the container module (which configures the binary
// in its container through them) share these names.
package envvar

// The variables; a flag given on the command line wins over its variable.
const (
	Addr                = "FAKESERVER_ADDR"
	Fixtures            = "FAKESERVER_FIXTURES"
	Scenario            = "FAKESERVER_SCENARIO"
	Seed                = "FAKESERVER_SEED"
	AdminToken          = "FAKESERVER_ADMIN_TOKEN"
	LogFormat           = "FAKESERVER_LOG_FORMAT"
	Time                = "FAKESERVER_TIME"
	NoRateLimit         = "FAKESERVER_NO_RATE_LIMIT"
	UnleashPATsDisabled = "FAKESERVER_UNLEASH_PATS_DISABLED"
	JournalLimit        = "FAKESERVER_JOURNAL_LIMIT"
	WebhookHosts        = "FAKESERVER_WEBHOOK_HOSTS"
	ShutdownTimeout     = "FAKESERVER_SHUTDOWN_TIMEOUT"
)

// The variables of the limits (see fake.Limits).
const (
	JournalBytes      = "FAKESERVER_JOURNAL_BYTES"
	MaxGraphQLResult  = "FAKESERVER_MAX_GRAPHQL_RESULT_BYTES"
	MaxRules          = "FAKESERVER_MAX_RULES"
	MaxLogScaleTokens = "FAKESERVER_MAX_LOGSCALE_TOKENS"
	MaxUnleashPATs    = "FAKESERVER_MAX_UNLEASH_PATS"
	MaxCryptlexPATs   = "FAKESERVER_MAX_CRYPTLEX_PATS"
	MaxConnections    = "FAKESERVER_MAX_CONNECTIONS"
	ReadHeaderTimeout = "FAKESERVER_READ_HEADER_TIMEOUT"
	IdleTimeout       = "FAKESERVER_IDLE_TIMEOUT"
)

// Limit names the fakeserver flag and the variable that set one field of
// fake.Limits.
type Limit struct {
	Flag string // without its dash, such as "journal-bytes"
	Var  string
}

// LimitOf returns the flag and the variable of the fake.Limits field named
// field (the journal's entries are set by -journal-limit). It panics for a
// name that is not a field, which is a bug of the caller.
func LimitOf(field string) Limit {
	switch field {
	case "JournalEntries":
		return Limit{"journal-limit", JournalLimit}
	case "JournalBytes":
		return Limit{"journal-bytes", JournalBytes}
	case "GraphQLResultBytes":
		return Limit{"max-graphql-result-bytes", MaxGraphQLResult}
	case "Rules":
		return Limit{"max-rules", MaxRules}
	case "LogScaleTokens":
		return Limit{"max-logscale-tokens", MaxLogScaleTokens}
	case "UnleashPATs":
		return Limit{"max-unleash-pats", MaxUnleashPATs}
	case "CryptlexPATs":
		return Limit{"max-cryptlex-pats", MaxCryptlexPATs}
	case "Connections":
		return Limit{"max-connections", MaxConnections}
	case "ReadHeaderTimeout":
		return Limit{"read-header-timeout", ReadHeaderTimeout}
	case "IdleTimeout":
		return Limit{"idle-timeout", IdleTimeout}
	}
	panic("envvar: no limit named " + field)
}
