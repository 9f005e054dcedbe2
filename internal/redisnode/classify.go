package redisnode

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Class is what an error from a call to Redis says about the node.
type Class uint8

const (
	// OK is no error.
	OK Class = iota
	// KeyError is a problem of the one key's data or of the script on it
	// (WRONGTYPE, a runtime error of the script): the node is fine.
	KeyError
	// Late is a reply that did not come in time (a deadline, a socket
	// timeout, no pooled connection in time): the node may be only busy,
	// so it is not marked down on this alone (see Nodes.Suspect).
	Late
	// Canceled is a call its caller canceled: it says nothing of Redis.
	Canceled
	// Outage is evidence that the node cannot serve any key: a refused
	// dial, a broken or closed connection, or a reply such as LOADING,
	// BUSY, CLUSTERDOWN, MASTERDOWN, TRYAGAIN, READONLY, OOM or NOAUTH.
	Outage
)

// String names the class.
func (c Class) String() string {
	switch c {
	case OK:
		return "ok"
	case KeyError:
		return "key error"
	case Late:
		return "late"
	case Canceled:
		return "canceled"
	}
	return "outage"
}

// Classify tells what err, from a call to Redis, says about the node.
// Errors of a store's own (a reply it cannot read) are the store's to
// classify before it calls Classify.
func Classify(err error) Class {
	if err == nil {
		return OK
	}
	if errors.Is(err, context.Canceled) {
		return Canceled
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, redis.ErrPoolTimeout) {
		return Late
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return Late
	}
	var re redis.Error
	if errors.As(err, &re) {
		msg := re.Error()
		if strings.HasPrefix(msg, "WRONGTYPE") ||
			// A runtime error of the script (Redis 7: "ERR user_script:...";
			// older servers: "ERR Error running script ...").
			strings.Contains(msg, "user_script") || strings.Contains(msg, "Error running script") {
			return KeyError
		}
	}
	return Outage
}

// unavailable is the error of a call Redis could not answer: it wraps the
// store's sentinel (Config.Unavailable) and the cause.
type unavailable struct {
	name     string // Config.Name
	sentinel error
	node     string // the node's address; empty for a client with one server
	cause    error
}

func (e *unavailable) Error() string {
	s := e.name + ": Redis"
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
		return []error{e.sentinel}
	}
	return []error{e.sentinel, e.cause}
}
