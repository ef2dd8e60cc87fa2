package api

import "fmt"

// Cap is a bound on something that input can grow, with the words that
// tell a client which bound refused it and how to raise it.
type Cap struct {
	// Max is the bound; 0 or less means none.
	Max int
	// Name says what is counted, such as "LogScale tokens".
	Name string
	// Raise says how to raise the bound, such as
	// "raise it with -max-logscale-tokens".
	Raise string
}

// Reached reports whether holding n already fills the cap, so that one
// more is refused.
func (c Cap) Reached(n int) bool { return c.Max > 0 && n >= c.Max }

// Exceeded reports whether n is past the cap.
func (c Cap) Exceeded(n int) bool { return c.Max > 0 && n > c.Max }

// Refusal is the sentence a refusal carries: which cap and how to raise it,
// such as "the fake server's limit of 1000 LogScale tokens would be
// exceeded (raise it with ...)".
func (c Cap) Refusal() string {
	return fmt.Sprintf("the fake server's limit of %d %s would be exceeded (%s)", c.Max, c.Name, c.Raise)
}
