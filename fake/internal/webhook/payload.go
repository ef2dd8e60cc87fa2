package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
)

// Sign returns the signature of body for a webhook with token: the
// standard base64 encoding of HMAC-SHA256(key: token, message: body).
func Sign(body []byte, token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Payload is the body of a delivery: a value encoded as JSON once, the
// first time a delivery needs it, so that the caller of Send does not pay
// for the encoding. The value must not change after NewPayload.
type Payload struct {
	v    any
	once sync.Once
	body []byte
	err  error
}

// NewPayload returns the payload of v.
func NewPayload(v any) *Payload { return &Payload{v: v} }

// Bytes returns the JSON encoding of the payload's value.
func (p *Payload) Bytes() ([]byte, error) {
	p.once.Do(func() {
		p.body, p.err = json.Marshal(p.v)
		if p.err != nil {
			p.err = fmt.Errorf("encode the event: %w", p.err)
		}
		p.v = nil
	})
	return p.body, p.err
}
