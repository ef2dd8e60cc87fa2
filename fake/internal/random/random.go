// Package random is the fake's source of generated ids and secrets. A Source
// made from a seed yields the same sequence every time, so two servers with
// the same seed hand out the same ids and secrets in the same order.
package random

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"sync"
)

// Alphabets used by the vendors' token formats.
const (
	// Alnum is upper- and lower-case letters and digits.
	Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// LowerHex is the lower-case hexadecimal digits.
	LowerHex = "0123456789abcdef"
)

// Source is a seeded, goroutine-safe generator. The zero value is not usable;
// call New.
type Source struct {
	mu   sync.Mutex
	seed uint64
	rng  *mrand.Rand
}

// New returns a Source for seed. Seed 0 asks for an unpredictable seed drawn
// from crypto/rand; any other value makes the sequence repeatable.
func New(seed uint64) *Source {
	if seed == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
		seed = binary.LittleEndian.Uint64(b[:]) | 1
	}
	s := &Source{seed: seed}
	s.Reset()
	return s
}

// Seed reports the seed in use (the drawn one when New was given 0).
func (s *Source) Seed() uint64 { return s.seed }

// Reset rewinds the sequence to its start.
func (s *Source) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rng = mrand.New(mrand.NewPCG(s.seed, s.seed^0x9e3779b97f4a7c15))
}

// Derive returns a Source of its own, seeded from s's seed and label: the
// same seed and label give the same sequence, and drawing from either never
// moves the other. Reset rewinds each separately.
func (s *Source) Derive(label uint64) *Source {
	seed := mrand.New(mrand.NewPCG(s.seed, label)).Uint64()
	if seed == 0 {
		seed = 1 // 0 would ask New for an unpredictable seed
	}
	return New(seed)
}

// String returns n characters drawn from alphabet.
func (s *Source) String(alphabet string, n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// UUID returns a random (version 4) UUID in its canonical text form.
func (s *Source) UUID() string {
	s.mu.Lock()
	hi, lo := s.rng.Uint64(), s.rng.Uint64()
	s.mu.Unlock()
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
