package redisstore

import "errors"

// ErrCorruptKey is what Take's error wraps when a client's key in Redis held
// something the store cannot read: a value of another type (WRONGTYPE), or
// one it did not write. It concerns that key only: the script deletes the
// key in the same call, so the next request for the client starts a full
// bucket, and every other key keeps asking Redis. It does not wrap
// ratelimit.ErrUnavailable; the limiter answers the one request by its
// policy.
var ErrCorruptKey = errors.New("apierror/ratelimit/redisstore: the client's key held data the store cannot read; it has been deleted")
