package redisstore

import (
	"errors"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

// ErrCorruptKey is what Take's error wraps when a client's key in Redis held
// something the store cannot read: a value of another type (WRONGTYPE), or
// one it did not write. It concerns that key only: the script deletes the
// key in the same call, so the next request for the client starts a full
// bucket, and every other key keeps asking Redis. It does not wrap
// ratelimit.ErrUnavailable; the limiter answers the one request by its
// policy.
var ErrCorruptKey = errors.New("apierror/ratelimit/redisstore: the client's key held data the store cannot read; it has been deleted")

// keyLevel reports whether err, from a decision's script call, is a problem
// of the key's data rather than of Redis: a reply of the wrong type for the
// key, the script failing on what it read, or a reply of the wrong shape. Every other error (a failed
// dial, a timeout, a closed connection, LOADING, BUSY, CLUSTERDOWN,
// MASTERDOWN, TRYAGAIN, READONLY, OOM, NOAUTH) says the node cannot decide
// for any key.
func keyLevel(err error) bool {
	if errors.Is(err, ErrCorruptKey) || errors.Is(err, errBadReply) {
		return true
	}
	var re redis.Error
	if !errors.As(err, &re) {
		return false
	}
	msg := re.Error()
	return strings.HasPrefix(msg, "WRONGTYPE") ||
		// A runtime error of the script (Redis 7: "ERR user_script:...";
		// older servers: "ERR Error running script ...").
		strings.Contains(msg, "user_script") || strings.Contains(msg, "Error running script")
}

// unavailable is the error of a decision Redis could not make: it wraps
// ratelimit.ErrUnavailable and the cause.
type unavailable struct {
	node  string // the node's address; empty for a client with one server
	cause error
}

func (e *unavailable) Error() string {
	s := "apierror/ratelimit/redisstore: Redis"
	if e.node != "" {
		s += " node " + e.node
	}
	if e.cause == nil {
		return s + " is down"
	}
	return s + " is unavailable: " + e.cause.Error()
}

func (e *unavailable) Unwrap() []error {
	if e.cause == nil {
		return []error{ratelimit.ErrUnavailable}
	}
	return []error{ratelimit.ErrUnavailable, e.cause}
}
