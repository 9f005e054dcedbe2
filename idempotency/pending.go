package idempotency

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// pendingFinish is a first request's response that the store could not
// take when the request finished. The instance keeps it, answers retries
// that reach it from it, and hands it to the store again until the store
// takes it or the key's lease runs out: so a store that comes back after an
// outage replays the response rather than letting the request run again.
type pendingFinish struct {
	key, token, fingerprint string
	response                []byte
	until                   time.Time    // the claim's lease
	logger                  *slog.Logger // WithLogger's, else the request's
}

// pendingRetry is how often pending responses are handed to the store again.
const pendingRetry = 200 * time.Millisecond

// pending is the instance's set of responses waiting for the store. Its
// goroutine runs only while the set is not empty.
type pending struct {
	m       *middleware
	mu      sync.Mutex
	byKey   map[string]*pendingFinish
	running bool
}

func (p *pending) add(f *pendingFinish) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byKey == nil {
		p.byKey = map[string]*pendingFinish{}
	}
	p.byKey[f.key] = f
	if !p.running {
		p.running = true
		go p.loop()
	}
}

func (p *pending) lookup(key string) (*pendingFinish, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.byKey) == 0 {
		return nil, false
	}
	f, ok := p.byKey[key]
	return f, ok
}

func (p *pending) loop() {
	t := time.NewTicker(pendingRetry)
	defer t.Stop()
	for range t.C {
		p.mu.Lock()
		todo := make([]*pendingFinish, 0, len(p.byKey))
		for _, f := range p.byKey {
			todo = append(todo, f)
		}
		p.mu.Unlock()
		for _, f := range todo {
			err := p.m.finish(context.Background(), f)
			if err == nil || time.Now().After(f.until) {
				if err != nil {
					f.logger.LogAttrs(context.Background(), slog.LevelError,
						"apierror/idempotency: a saved response was dropped: the store did not take it within the lease",
						slog.Any("error", err))
				}
				p.mu.Lock()
				delete(p.byKey, f.key)
				p.mu.Unlock()
			}
		}
		p.mu.Lock()
		if len(p.byKey) == 0 {
			p.running = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
}

// answerPending answers a request whose key has a response waiting for the
// store on this instance: the response, or 422 for another request.
func (m *middleware) answerPending(w http.ResponseWriter, r *http.Request, f *pendingFinish, fp string) {
	if f.fingerprint != fp {
		writeErr(w, r, reused())
		return
	}
	m.replay(w, r, f.response)
}
