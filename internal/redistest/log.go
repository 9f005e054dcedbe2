package redistest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// Log is a concurrency-safe buffer for what a test's logger, a server's
// goroutines or a child process write while the test reads it.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Logger returns a text logger writing into a fresh Log.
func Logger() (*slog.Logger, *Log) {
	b := &Log{}
	return slog.New(slog.NewTextHandler(b, nil)), b
}

// Write implements io.Writer.
func (b *Log) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what has been logged.
func (b *Log) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Count returns how many times sub has been logged.
func (b *Log) Count(sub string) int { return strings.Count(b.String(), sub) }
