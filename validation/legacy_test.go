package validation

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/internal/jsonv2"
)

// decodeWithLegacy is Decode as it was before encoding/json v2.
func decodeWithLegacy(d *Decoder, r *http.Request, dst any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return errEmpty()
	}
	if e := d.checkMediaType(r.Header.Get("Content-Type")); e != nil {
		return e
	}
	b, e := d.readBody(r)
	if e != nil {
		return e
	}
	defer b.release()
	if err := d.decodeLegacy(b, dst, reflect.TypeOf(dst).Elem()); err != nil {
		return err
	}
	return d.validateStruct(r, dst, "body")
}

func statusOf(err error) int {
	if err == nil {
		return 200
	}
	var e *errresp.Error
	if !errors.As(err, &e) {
		return -1
	}
	_, status := errresp.Render(errresp.Problem, e, "")
	return status
}

// knownDifference reports whether the verdicts of the two decodes differ as
// intended: encoding/json v2 refuses invalid UTF-8 and lone surrogates, which
// v1 replaced with U+FFFD; and it checks duplicates on exact names (and, when
// names fold, per struct field), where the scanner folded every object's keys.
func knownDifference(body []byte, newErr, oldErr error) bool {
	var ne, oe *errresp.Error
	if errors.As(newErr, &ne) && (strings.Contains(ne.Message, "UTF-8") || strings.Contains(ne.Message, "bad escape sequence")) {
		return true
	}
	return errors.As(oldErr, &oe) && len(oe.Fields) > 0 && oe.Fields[0].Rule == "duplicate" && newErr == nil && !exactDuplicates(body)
}

// exactDuplicates reports whether body, valid JSON, repeats a name exactly
// in one of its objects.
func exactDuplicates(body []byte) bool {
	var v any
	var se *jsonv2.SyntacticError
	return errors.As(jsonv2.Unmarshal(body, &v), &se) && se.Err == jsonv2.ErrDuplicateName
}

// looseOrder has no rules, so that bodies the decoders accept are common.
type looseOrder struct {
	ID    string `json:"id"`
	Items []struct {
		Name string `json:"name"`
		Qty  uint8  `json:"qty"`
		Tags []string
	} `json:"items"`
	Labels map[string]string `json:"labels"`
	Counts map[int]float32   `json:"counts"`
	Ship   *struct {
		looseBase
		City string `json:"city"`
	} `json:"ship"`
	At   time.Time     `json:"at"`
	N    int           `json:"n,string"`
	B    []byte        `json:"b"`
	X    any           `json:"x"`
	Flag *bool         `json:"flag"`
	Wait time.Duration `json:"wait"`
	Q    bool          `json:"q,string"`
}

type looseBase struct {
	Country string `json:"country"`
}

var legacyDecoder = New(MaxBytes(4096), MaxDepth(16))
var foldingDecoder = New(MaxBytes(4096), MaxDepth(16), AllowCaseInsensitiveNames())

// FuzzDecodeAgainstLegacy decodes each body with encoding/json v2 and with
// the hand-written scanner and encoding/json v1 that came before, and fails
// when one accepts what the other refuses, or they refuse with different
// statuses, outside the intended differences.
func FuzzDecodeAgainstLegacy(f *testing.F) {
	for _, s := range []string{goodVM, `{"id":"o1","items":[{"name":"bolt","qty":1}],"labels":{"a":"b"},"ship":{"country":"FR","city":"P"},"at":"2024-01-02T15:04:05Z"}`,
		`{"a":1,"a":2}`, `{"items":[{"name":1}]}`, `[`, `{"x":"\ud800"}`, `{"Ship":{"COUNTRY":"fr"}}`, `{"counts":{"a":1e400}}`, `null`, ``,
		`{"id":"x","items":[{"name":"abc","qty":1,"Tags":["a",1]}],"ship":{"country":"FR","city":"P"},"note":"12345"}`, `{"at":"2024-13-01T00:00:00Z"}`,
		`{"items":[{"qty":256}],"counts":{"a":-1.5}}`, `{"labels":{"a":"b","A":"c"}}`, "{\"id\":\"\xff\"}", `{"a":[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}`, `{"id":"x","items":[{"name":"a","qty":2,"Tags":["t"]}],"counts":{"1":2.5},"ship":{"country":"FR","city":"P"},"n":"5","b":"AAEC","x":[1,{"y":null}],"flag":true}`} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte(goodVM), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		newReq := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		newReq.Header.Set("Content-Type", ct)
		oldReq := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		oldReq.Header.Set("Content-Type", ct)
		for _, dst := range []func() any{func() any { return &order{} }, func() any { return &looseOrder{} }} {
			newReq := newReq.Clone(newReq.Context())
			newReq.Body = io.NopCloser(bytes.NewReader(body))
			oldReq := oldReq.Clone(oldReq.Context())
			oldReq.Body = io.NopCloser(bytes.NewReader(body))
			newDst, oldDst := dst(), dst()
			newErr := foldingDecoder.Decode(newReq, newDst)
			oldErr := decodeWithLegacy(legacyDecoder, oldReq, oldDst)
			checkOutcome(t, newErr)
			if statusOf(newErr) != statusOf(oldErr) && !knownDifference(body, newErr, oldErr) {
				t.Fatalf("body %q (%s) into %T: new %d %v, legacy %d %v", body, ct, newDst, statusOf(newErr), newErr, statusOf(oldErr), oldErr)
			}
		}
	})
}
