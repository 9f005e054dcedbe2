package redisstore

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/apierror/apierror/ratelimit"
)

// script is a Lua script the store runs by its SHA-1 (EVALSHA), sending
// its source (EVAL) only when Redis answers NOSCRIPT.
type script struct {
	src, sha any // boxed once, so a call boxes neither
}

func newScript(src string) script {
	sum := sha1.Sum([]byte(src))
	return script{src: src, sha: hex.EncodeToString(sum[:])}
}

var (
	//go:embed gcra1.lua
	gcra1Source string
	//go:embed gcra.lua
	gcraSource string

	//go:embed refund1.lua
	refund1Source string
	//go:embed refund.lua
	refundSource string

	gcra1   = newScript(gcra1Source)   // one limit: a string key
	gcra    = newScript(gcraSource)    // several limits: a hash
	refund1 = newScript(refund1Source) // a refund for one limit
	refund  = newScript(refundSource)  // a refund for several limits
)

// loadScripts loads every script of the store (SCRIPT LOAD; on a Cluster,
// on every master) when Redis has answered NOSCRIPT: Redis has started
// afresh, or failed over, or flushed its scripts. One caller loads while
// the others send their source once, as before; the scripts a store has
// not run yet are then known before their first use, so that the first
// refunds of a flood, sent together, are not each refused and sent again.
// A failure is left to the next NOSCRIPT.
func (s *Store) loadScripts(ctx context.Context) {
	if !s.loading.CompareAndSwap(false, true) {
		return
	}
	defer s.loading.Store(false)
	all := []script{gcra1, gcra, refund1, refund}
	if _, cluster := s.client.(*redis.ClusterClient); cluster {
		// The Cluster client sends SCRIPT LOAD to every master.
		for _, sc := range all {
			if s.client.ScriptLoad(ctx, sc.src.(string)).Err() != nil {
				return
			}
		}
		return
	}
	_, _ = s.client.Pipelined(ctx, func(p redis.Pipeliner) error { // one round trip
		for _, sc := range all {
			p.ScriptLoad(ctx, sc.src.(string))
		}
		return nil
	})
}

// validate rejects what no store can decide, as the in-memory store does: a
// programming error, not a store failure.
func validate(limits []ratelimit.Limit, cost int) error {
	if cost < 0 {
		return errors.New("apierror/ratelimit/redisstore: cost must not be negative")
	}
	if len(limits) > ratelimit.MaxLimits {
		return fmt.Errorf("apierror/ratelimit/redisstore: more than %d limits for one key", ratelimit.MaxLimits)
	}
	for i := range limits {
		t, b := int64(limits[i].Interval()), int64(limits[i].Capacity())
		if hi, lo := bits.Mul64(uint64(t), uint64(b)); t <= 0 || b <= 0 || hi != 0 || lo > math.MaxInt64/4 {
			return errors.New("apierror/ratelimit/redisstore: invalid limit (see Limit.Validate)")
		}
	}
	return nil
}

// command is the script call that does o for rk: EVALSHA, or EVAL (the
// source) when eval is set, after Redis answered NOSCRIPT. A peek runs the
// decision's script with the cost negated (-n asks about n tokens and
// writes nothing); a refund runs a script of its own, whose reply is {1},
// or {-1} for a key it cannot read.
func (s *Store) command(ctx context.Context, rk string, limits []ratelimit.Limit, cost int, o op, eval bool) *redis.IntSliceCmd {
	if o == opPeek {
		cost = -cost
	}
	sc := gcra1
	args := make([]any, 4, 6+2*len(limits))
	args[0], args[2], args[3] = "evalsha", "1", rk
	switch {
	case o == opRefund && single(limits):
		sc = refund1
		args = append(args, int64(limits[0].Interval()), limits[0].Capacity(), cost)
	case o == opRefund:
		sc = refund
		args = append(args, cost)
		for _, l := range limits {
			args = append(args, int64(l.Interval()), l.Capacity())
		}
	case single(limits):
		args = append(args, int64(limits[0].Interval()), limits[0].Capacity(), cost)
		if s.now != nil {
			t := s.now()
			args = append(args, t.Unix(), t.Nanosecond())
		}
	default:
		sc = gcra
		if s.now != nil {
			t := s.now()
			args = append(args, t.Unix(), t.Nanosecond())
		} else {
			args = append(args, -1, 0)
		}
		args = append(args, cost)
		for _, l := range limits {
			args = append(args, int64(l.Interval()), l.Capacity())
		}
	}
	args[1] = sc.sha
	if eval {
		args[0], args[1] = "eval", sc.src
	}
	return redis.NewIntSliceCmd(ctx, args...)
}

// result reads a script call's reply: the decision, or for a refund, none.
func result(cmd *redis.IntSliceCmd, limits []ratelimit.Limit, o op) (ratelimit.Decision, error) {
	res := cmd.Val()
	if len(res) == 1 && res[0] == -1 {
		return ratelimit.Decision{}, ErrCorruptKey
	}
	if o == opRefund {
		if len(res) != 1 || res[0] != 1 {
			return ratelimit.Decision{}, fmt.Errorf("%w %v", errBadReply, res)
		}
		return ratelimit.Decision{}, nil
	}
	if single(limits) {
		return decode1(res, limits[0])
	}
	return decode(res, limits)
}

// maxSingleSpan is the longest bucket (interval × capacity, in nanoseconds)
// gcra1.lua keeps: it stores times modulo 9e15 ns and needs every stored
// time within 4.5e15 ns of now.
const maxSingleSpan = 4e15

// single reports whether limits are one limit that gcra1.lua decides, on a
// string key of its own; several limits, or one whose bucket is longer
// than maxSingleSpan (about 46 days), are decided by gcra.lua on a hash.
func single(limits []ratelimit.Limit) bool {
	return len(limits) == 1 && int64(limits[0].Interval()) <= maxSingleSpan/int64(limits[0].Capacity())
}

// redisKey is the key holding key's buckets for limits: for one limit
// (see single), "<prefix>{<key>}:<interval ns>:<capacity>"; otherwise the
// hash "<prefix>{<key>}". A key longer than ratelimit.MaxKeyLen is replaced by
// its SHA-256 digest in hex padded with '~' to MaxKeyLen+1 bytes (a length
// no key held as it is has), so that Redis's memory per client stays bounded
// whatever the key.
func (s *Store) redisKey(key string, limits []ratelimit.Limit) string {
	var digest [ratelimit.MaxKeyLen + 1]byte
	if len(key) > ratelimit.MaxKeyLen {
		sum := sha256.Sum256([]byte(key))
		pad := len(digest) - hex.EncodedLen(len(sum))
		for i := range pad {
			digest[i] = '~'
		}
		hex.Encode(digest[pad:], sum[:])
	}
	var b strings.Builder
	b.Grow(len(s.prefix) + len(key) + 2 + 2*20 + 2)
	b.WriteString(s.prefix)
	b.WriteByte('{')
	if len(key) > ratelimit.MaxKeyLen {
		b.Write(digest[:])
	} else {
		b.WriteString(key)
	}
	b.WriteByte('}')
	if single(limits) {
		var n [20]byte
		b.WriteByte(':')
		b.Write(strconv.AppendInt(n[:0], int64(limits[0].Interval()), 10))
		b.WriteByte(':')
		b.Write(strconv.AppendInt(n[:0], int64(limits[0].Capacity()), 10))
	}
	return b.String()
}

// errBadReply is the error of a script reply of the wrong shape. The
// scripts check what they read, so it says something is wrong with the one
// key (or the script), not with Redis: it is not an outage.
var errBadReply = errors.New("apierror/ratelimit/redisstore: unexpected script reply")

// decode1 turns the single-limit script's reply into a Decision, checking
// its shape.
func decode1(res []int64, l ratelimit.Limit) (ratelimit.Decision, error) {
	if len(res) != 4 || res[0]>>1 != 0 || res[1] < 0 || res[1] > math.MaxInt32 || res[2] < 0 || res[3] < 0 {
		return ratelimit.Decision{}, fmt.Errorf("%w %v", errBadReply, res)
	}
	return ratelimit.Decision{
		Allowed:    res[0] == 1,
		Limit:      l,
		Remaining:  int(res[1]),
		ResetAfter: time.Duration(res[2]),
		RetryAfter: time.Duration(res[3]),
	}, nil
}

// decode turns the several-limit script's reply into a Decision, checking
// its shape.
func decode(res []int64, limits []ratelimit.Limit) (ratelimit.Decision, error) {
	if len(res) != 5 || res[0]>>1 != 0 || res[1] < 1 || res[1] > int64(len(limits)) ||
		res[2] < 0 || res[2] > math.MaxInt32 || res[3] < 0 || res[4] < 0 {
		return ratelimit.Decision{}, fmt.Errorf("%w %v", errBadReply, res)
	}
	return ratelimit.Decision{
		Allowed:    res[0] == 1,
		Limit:      limits[res[1]-1],
		Remaining:  int(res[2]),
		ResetAfter: time.Duration(res[3]),
		RetryAfter: time.Duration(res[4]),
	}, nil
}
