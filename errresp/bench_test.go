package errresp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discard is a ResponseWriter that keeps nothing but its header map, so the
// benchmarks measure the writer and not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

var benchErr = NewInvalid("The request body failed validation.",
	FieldError{Field: "name", Pointer: "/name", In: "body", Rule: "min", Param: "3", Message: "name must be at least 3 characters long"},
	FieldError{Field: "image_id", Pointer: "/image_id", In: "body", Rule: "uuid", Message: "image_id must be a valid UUID"},
)

// BenchmarkWrite writes a two-field validation failure in each style through
// errresp.Write, request id and headers included.
func BenchmarkWrite(b *testing.B) {
	for _, s := range Styles() {
		b.Run(s.Name, func(b *testing.B) {
			d := &discard{h: http.Header{}}
			w, r := Begin(d, httptest.NewRequest("POST", "/v1/vms", nil))
			r = WithStyle(WithRequestID(r, "req_7f3a9c"), s)
			st := stateFrom(r.Context())
			b.ReportAllocs()
			for b.Loop() {
				st.Status = 0
				if _, err := Write(w, r, benchErr); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The same problem-details body produced with encoding/json from an
// equivalent struct, the way a hand-written handler does it.
type jsonProblemField struct {
	Field   string `json:"field"`
	Pointer string `json:"pointer,omitempty"`
	In      string `json:"in,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Param   string `json:"param,omitempty"`
	Detail  string `json:"detail"`
}

type jsonProblem struct {
	Type      string             `json:"type"`
	Title     string             `json:"title"`
	Status    int                `json:"status"`
	Detail    string             `json:"detail"`
	Code      string             `json:"code"`
	RequestID string             `json:"request_id,omitempty"`
	Errors    []jsonProblemField `json:"errors,omitempty"`
}

func BenchmarkEncodingJSON(b *testing.B) {
	d := &discard{h: http.Header{}}
	r := httptest.NewRequest("POST", "/v1/vms", nil)
	b.ReportAllocs()
	for b.Loop() {
		fields := make([]jsonProblemField, len(benchErr.Fields))
		for i, f := range benchErr.Fields {
			fields[i] = jsonProblemField{f.Field, "#" + f.Pointer, f.In, f.Rule, f.Param, f.Message}
		}
		p := jsonProblem{"about:blank", "Bad Request", 400, benchErr.Message, "invalid_request", "req_7f3a9c", fields}
		h := d.Header()
		h.Del("Content-Length")
		h.Set("Content-Type", "application/problem+json")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Request-ID", "req_7f3a9c")
		d.WriteHeader(400)
		if err := json.NewEncoder(d).Encode(p); err != nil {
			b.Fatal(err)
		}
		_ = r
	}
}

// BenchmarkWriteParallel is Write under concurrent load (pool contention).
func BenchmarkWriteParallel(b *testing.B) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		d := &discard{h: http.Header{}}
		w, r := Begin(d, httptest.NewRequest("POST", "/v1/vms", nil))
		r = WithStyle(WithRequestID(r, "req"), GPCN())
		st := stateFrom(r.Context())
		for pb.Next() {
			st.Status = 0
			_, _ = Write(w, r, benchErr)
		}
	})
}

func BenchmarkDecodeBody(b *testing.B) {
	body, status := Render(Gcore(), benchErr, "req")
	b.ReportAllocs()
	for b.Loop() {
		_ = DecodeBody(status, "application/json", body)
	}
}

func BenchmarkAppendString(b *testing.B) {
	for _, tc := range []struct{ name, s string }{
		{"ascii", "name must be at least 3 characters long"},
		{"escapes", `say "<hi>" & \ bye` + "\n"},
		{"utf8", "le nom doit comporter au moins 3 caractères ✓"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.SetBytes(int64(len(tc.s)))
			for b.Loop() {
				buf = appendString(buf[:0], tc.s)
			}
		})
	}
}
