package idempotency

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"
)

// DefaultMemoryMaxKeys is how many keys a MemoryStore holds by default.
const DefaultMemoryMaxKeys = 100_000

// MemoryOption configures NewMemoryStore.
type MemoryOption func(*MemoryStore)

// MemoryMaxKeys bounds the keys the store holds (DefaultMemoryMaxKeys by
// default). When it is full, a new key evicts the saved response that
// finished first; when every key held is a request still running, Begin
// fails with ErrFull (wrapping ErrUnavailable), so that the middleware's
// store policy answers. It panics unless n > 0.
func MemoryMaxKeys(n int) MemoryOption {
	if n <= 0 {
		panic("apierror/idempotency: MemoryMaxKeys: n must be positive")
	}
	return func(s *MemoryStore) { s.max = n }
}

// MemoryClock sets the function the store reads the time from (time.Now by
// default), for tests on fixed instants.
func MemoryClock(now func() time.Time) MemoryOption {
	if now == nil {
		panic("apierror/idempotency: MemoryClock: nil func")
	}
	return func(s *MemoryStore) { s.now = now }
}

// MemoryStore is a Store in the process's memory: for a service of one
// instance, for tests, and as the model of the behaviour storetest checks.
// It holds at most MemoryMaxKeys keys. Records whose lease or retention ran
// out are dropped when met, and from the oldest end of two lists (running,
// done) as new keys come. The zero value is not usable; use NewMemoryStore.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]*memRecord
	running list.List // of *memRecord, in order of Begin
	done    list.List // of *memRecord, in order of Finish
	max     int
	now     func() time.Time
}

type memRecord struct {
	key, fingerprint, token string
	response                []byte // nil while running
	expires                 time.Time
	elem                    *list.Element // in running or done
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore(opts ...MemoryOption) *MemoryStore {
	s := &MemoryStore{records: map[string]*memRecord{}, max: DefaultMemoryMaxKeys, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Begin implements Store.
func (s *MemoryStore) Begin(_ context.Context, key, fingerprint string, lease time.Duration) (Claim, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.records[key]; rec != nil {
		if now.Before(rec.expires) {
			switch {
			case rec.fingerprint != fingerprint:
				return Claim{State: Mismatch}, nil
			case rec.response == nil:
				return Claim{State: Running, Expires: rec.expires}, nil
			}
			return Claim{State: Done, Response: rec.response}, nil
		}
		s.drop(rec)
	}
	if err := s.makeRoom(now); err != nil {
		return Claim{}, err
	}
	rec := &memRecord{key: key, fingerprint: fingerprint, token: newToken(), expires: now.Add(lease)}
	rec.elem = s.running.PushBack(rec)
	s.records[key] = rec
	return Claim{State: Started, Token: rec.token}, nil
}

// makeRoom drops expired records from the old ends of both lists and, when
// the store is still full, the oldest saved response. s.mu must be held.
func (s *MemoryStore) makeRoom(now time.Time) error {
	for _, l := range []*list.List{&s.running, &s.done} {
		for i := 0; i < 4; i++ {
			e := l.Front()
			if e == nil || now.Before(e.Value.(*memRecord).expires) {
				break
			}
			s.drop(e.Value.(*memRecord))
		}
	}
	if len(s.records) < s.max {
		return nil
	}
	if e := s.done.Front(); e != nil {
		s.drop(e.Value.(*memRecord))
		return nil
	}
	if e := s.running.Front(); e != nil && !now.Before(e.Value.(*memRecord).expires) {
		s.drop(e.Value.(*memRecord))
		return nil
	}
	return fmt.Errorf("%w: %w (%d keys)", ErrUnavailable, ErrFull, s.max)
}

// drop removes rec from the map and its list. s.mu must be held.
func (s *MemoryStore) drop(rec *memRecord) {
	delete(s.records, rec.key)
	if rec.response == nil {
		s.running.Remove(rec.elem)
	} else {
		s.done.Remove(rec.elem)
	}
}

// Finish implements Store.
func (s *MemoryStore) Finish(_ context.Context, key, token, fingerprint string, response []byte, retention time.Duration) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.records[key]
	if rec != nil && !now.Before(rec.expires) {
		s.drop(rec)
		rec = nil
	}
	switch {
	case rec == nil:
		if err := s.makeRoom(now); err != nil {
			return err
		}
		rec = &memRecord{key: key, fingerprint: fingerprint}
		s.records[key] = rec
	case rec.response != nil || rec.token != token:
		return ErrNotHeld
	default:
		s.running.Remove(rec.elem)
	}
	if response == nil {
		response = []byte{}
	}
	rec.token, rec.response, rec.expires = "", response, now.Add(retention)
	rec.elem = s.done.PushBack(rec)
	return nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, key, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.records[key]
	if rec == nil || rec.response != nil || rec.token != token {
		return ErrNotHeld
	}
	s.drop(rec)
	return nil
}

// Len returns how many keys the store holds, expired ones not yet dropped
// included.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

func (s *MemoryStore) inProcess() {}

// Close implements Store; the store keeps working after it.
func (s *MemoryStore) Close() error { return nil }
