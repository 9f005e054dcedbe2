package idempotency

import (
	"context"
	"errors"
	"time"
)

// ErrUnavailable is what a Store's error wraps when the store could not be
// asked at all: its backend is down, too slow, or known to be down. The
// middleware answers such a failure as its store policy says (503 by
// default, see WithFailOpen).
var ErrUnavailable = errors.New("apierror/idempotency: store unavailable")

// ErrNotHeld is what Finish and Release return when the claim's token no
// longer holds the key: its lease ran out and another request claimed it,
// or the key was released. Nothing is changed.
var ErrNotHeld = errors.New("apierror/idempotency: the claim no longer holds the key")

// ErrFull is what a bounded store's Begin wraps (with ErrUnavailable) when it
// holds as many keys as it may and every one of them is a request still
// running, so that none can be evicted.
var ErrFull = errors.New("apierror/idempotency: store full of running requests")

// State is what a store found under a key when a request began.
type State uint8

const (
	// Started: the key was free; the caller holds it now, with Claim.Token,
	// until it finishes, releases it, or the lease runs out.
	Started State = iota + 1
	// Running: another request with the key and the same fingerprint holds
	// it; Claim.Expires says when its lease runs out at the latest.
	Running
	// Done: a request with the key and the same fingerprint finished;
	// Claim.Response is its saved response.
	Done
	// Mismatch: the key is running or done for a request with another
	// fingerprint.
	Mismatch
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case Started:
		return "started"
	case Running:
		return "running"
	case Done:
		return "done"
	case Mismatch:
		return "mismatch"
	}
	return "invalid"
}

// Claim is a store's answer to Begin.
type Claim struct {
	// State says what the store found.
	State State
	// Token proves ownership of a Started key to Finish and Release.
	Token string
	// Response is the saved response of a Done key, as the middleware
	// encoded it (the store keeps it as opaque bytes).
	Response []byte
	// Expires is, for a Running key, the time its lease runs out at the
	// latest.
	Expires time.Time
}

// Store keeps the keys: one record a key, running (a lock with a lease) or
// done (a saved response with a retention). Begin is the one round trip of a
// replay and the first of a first request; Finish or Release is the second.
// An error means the store failed and says nothing about the key; it wraps
// ErrUnavailable when the store's backend could not be asked. A store never
// answers with an HTTP error of its own: the middleware chooses.
// The package storetest holds the behaviour table every Store must pass.
//
// Implementations must be safe for concurrent use.
type Store interface {
	// Begin claims key for a request of the given fingerprint for lease,
	// atomically: of any number of concurrent calls on a free key, exactly
	// one is Started. A key whose lease or retention has run out is free.
	Begin(ctx context.Context, key, fingerprint string, lease time.Duration) (Claim, error)
	// Finish saves response under key, with the fingerprint it began
	// with, for retention and ends the claim of token. When another claim
	// holds the key, or a response is saved, it changes nothing and returns
	// ErrNotHeld; a key the store no longer has at all (its lease ran out
	// unclaimed, or its backend lost it) is written, so that the response
	// is kept.
	Finish(ctx context.Context, key, token, fingerprint string, response []byte, retention time.Duration) error
	// Release frees key if token still holds it, so that the next request
	// with it runs; it returns ErrNotHeld, and changes nothing, otherwise.
	Release(ctx context.Context, key, token string) error
	// Close releases the store's resources; it is idempotent.
	Close() error
}
