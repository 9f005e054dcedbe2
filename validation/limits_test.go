package validation

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/apierror/apierror/errresp"
)

// endless yields '{"a":"aaaa…' for as long as it is read, counting the bytes.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		switch e.n + int64(i) {
		case 0:
			p[i] = '{'
		case 1, 3, 5:
			p[i] = '"'
		case 2:
			p[i] = 'a'
		case 4:
			p[i] = ':'
		default:
			p[i] = 'a'
		}
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestDecodeHugeBodyIsRefusedAtTheLimit(t *testing.T) {
	t.Parallel()
	const hundredMB = 100 << 20
	tests := []struct {
		name          string
		contentLength int64 // as declared; -1 is unknown (chunked)
		maxRead       int64
	}{
		{name: "declared length", contentLength: hundredMB, maxRead: 0},
		{name: "unknown length", contentLength: -1, maxRead: DefaultMaxBytes + 1},
		{name: "understated length", contentLength: 10, maxRead: DefaultMaxBytes + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := &endless{}
			r := jsonRequest("")
			r.Body = io.NopCloser(io.LimitReader(src, hundredMB))
			r.ContentLength = tc.contentLength
			err := Default().Decode(r, &createVM{})
			checkStyles(t, err, http.StatusRequestEntityTooLarge, "limit of 1048576 bytes")
			if e := asError(t, err); e.Kind != errresp.PayloadTooLarge {
				t.Errorf("kind %v", e.Kind)
			}
			if src.n > tc.maxRead {
				t.Errorf("read %d bytes of a 100 MB body, want at most %d", src.n, tc.maxRead)
			}
		})
	}
}

func TestDecodeDeepNesting(t *testing.T) {
	t.Parallel()
	const depth = 100_000
	tests := []struct {
		name string
		body string
	}{
		{name: "arrays", body: `{"a":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`},
		{name: "objects", body: strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)},
		{name: "unclosed", body: `{"a":` + strings.Repeat("[", depth)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, d := range []*Decoder{New(WithMaxBytes(1 << 20)), New(WithMaxBytes(1<<20), WithMaxDepth(10000))} {
				err := d.Decode(jsonRequest(tc.body), &map[string]any{})
				checkStyles(t, err, http.StatusBadRequest, "levels")
				if !strings.Contains(asError(t, err).Message, "deeper than") {
					t.Errorf("message %q", asError(t, err).Message)
				}
			}
		})
	}
}

func TestConfigurationPanics(t *testing.T) {
	t.Parallel()
	tests := map[string]func(){
		"WithMaxBytes zero":     func() { WithMaxBytes(0) },
		"WithMaxDepth too deep": func() { WithMaxDepth(10001) },
		"WithMaxDepth zero":     func() { WithMaxDepth(0) },
		"MediaTypes none":       func() { WithMediaTypes() },
		"MediaTypes invalid":    func() { WithMediaTypes("json") },
		"WithValidator nil":     func() { WithValidator(nil) },
		"WithTranslator nil":    func() { WithTranslator(nil) },
		"WithRule no func":      func() { WithRule("x", nil, "") },
		"WithRule bad tag":      func() { New(WithRule("a,b", Match("x"), "")) },
		"Match bad pattern":     func() { Match("(") },
		"WithRule empty name":   func() { WithRule("", Match("x"), "") },
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				p := recover()
				if s, _ := p.(string); !strings.HasPrefix(s, "apierror/validation: ") {
					t.Errorf("panic %v, want an apierror/validation: message", p)
				}
			}()
			fn()
		})
	}
}
