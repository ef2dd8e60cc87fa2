package unleash

import "github.com/tokenfake/tokenfake/fake/internal/api"

// tooManyPATsOnServer refuses a create that would take the server past its
// PAT cap, with the error Unleash gives for a user's PAT limit.
func tooManyPATsOnServer(c api.Cap) *apiError {
	return handlerError("OperationDeniedError", "Too many PATs: "+c.Refusal()+".")
}
