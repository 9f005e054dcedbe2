package validation

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// benchBody is a typical request of about 1 KB.
type benchBody struct {
	Name        string            `json:"name" validate:"required,min=3,max=63"`
	Size        int               `json:"size" validate:"required,min=1,max=64"`
	Region      string            `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID     string            `json:"image_id" validate:"required,uuid"`
	Description string            `json:"description" validate:"max=500"`
	Email       string            `json:"owner_email" validate:"required,email"`
	Tags        []string          `json:"tags" validate:"max=10,dive,min=1,max=32"`
	Labels      map[string]string `json:"labels" validate:"max=16"`
	Disks       []benchDisk       `json:"disks" validate:"required,min=1,max=8,dive"`
	Public      bool              `json:"public"`
}

type benchDisk struct {
	Name   string `json:"name" validate:"required,min=1,max=32"`
	SizeGB int    `json:"size_gb" validate:"required,min=1,max=16384"`
	Type   string `json:"type" validate:"required,oneof=ssd hdd nvme"`
}

var benchOK = []byte(`{
  "name": "web-frontend-01",
  "size": 8,
  "region": "eu-west",
  "image_id": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  "description": "Front-end web server for the storefront; serves static assets and proxies API calls to the application tier. Managed by the platform team; page the on-call engineer before any change outside the weekly maintenance window.",
  "owner_email": "platform-team@example.com",
  "tags": ["web", "frontend", "production", "storefront", "team-platform"],
  "labels": {"env": "prod", "tier": "web", "cost-centre": "cc-1042", "owner": "platform", "backup": "daily", "region-pair": "us-east", "compliance": "pci"},
  "disks": [
    {"name": "root", "size_gb": 40, "type": "ssd"},
    {"name": "data", "size_gb": 500, "type": "nvme"},
    {"name": "logs", "size_gb": 100, "type": "hdd"},
    {"name": "cache", "size_gb": 64, "type": "ssd"},
    {"name": "scratch", "size_gb": 200, "type": "nvme"},
    {"name": "backup", "size_gb": 1000, "type": "hdd"}
  ],
  "public": true
}`)

var benchBad = bytes.Replace(bytes.Replace(benchOK, []byte(`"size": 8`), []byte(`"size": 80`), 1),
	[]byte(`"type": "hdd"`), []byte(`"type": "tape"`), 1)

// resettable is a request body that can be rewound without allocating.
type resettable struct{ bytes.Reader }

func (*resettable) Close() error { return nil }

func benchRequest(b *testing.B, body []byte) (*http.Request, func()) {
	b.Helper()
	if len(body) < 900 || len(body) > 1200 {
		b.Fatalf("body is %d bytes, want about 1 KB", len(body))
	}
	rd := &resettable{}
	r := httptest.NewRequest(http.MethodPost, "/v1/vms", nil)
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = int64(len(body))
	return r, func() { rd.Reset(body); r.Body = rd }
}

// BenchmarkDecode compares Decode with the plain standard-library way
// (json.NewDecoder(r.Body).Decode then validate.Struct), on a 1 KB body.
func BenchmarkDecode(b *testing.B) {
	v := Validator()
	noDup := New(WithDuplicateKeys())
	for _, c := range []struct {
		name string
		body []byte
		ok   bool
	}{{"success", benchOK, true}, {"failure", benchBad, false}} {
		b.Run(c.name+"/baseline", func(b *testing.B) {
			r, reset := benchRequest(b, c.body)
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				reset()
				var dst benchBody
				if err := json.NewDecoder(r.Body).Decode(&dst); err != nil {
					b.Fatal(err)
				}
				if err := v.Struct(&dst); (err == nil) != c.ok {
					b.Fatal(err)
				}
			}
		})
		for _, alt := range []struct {
			name string
			d    *Decoder
		}{{"validation", Default()}, {"validation-duplicates-allowed", noDup}} {
			d := alt.d
			b.Run(c.name+"/"+alt.name, func(b *testing.B) {
				r, reset := benchRequest(b, c.body)
				b.ReportAllocs()
				b.SetBytes(int64(len(c.body)))
				for b.Loop() {
					reset()
					var dst benchBody
					if err := d.Decode(r, &dst); (err == nil) != c.ok {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkDecodeParallel(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchOK)))
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest(http.MethodPost, "/v1/vms", nil)
		r.Header.Set("Content-Type", "application/json")
		rd := &resettable{}
		for pb.Next() {
			rd.Reset(benchOK)
			r.Body = rd
			var dst benchBody
			if err := Decode(r, &dst); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCheckSyntax measures the token-by-token syntax and depth check,
// which Decode runs first only on a body with more opening brackets than the
// depth limit (and on failures), against json.Valid.
func BenchmarkCheckSyntax(b *testing.B) {
	d := Default()
	b.Run("checkSyntax", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchOK)))
		for b.Loop() {
			if e := d.checkSyntax(benchOK, nil); e != nil {
				b.Fatal(e)
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(benchOK)))
		for b.Loop() {
			if !json.Valid(benchOK) {
				b.Fatal("invalid")
			}
		}
	})
}

func BenchmarkParams(b *testing.B) {
	r := httptest.NewRequest(http.MethodGet, "/v1/vms/"+vmID+"?limit=10&state=running", nil)
	r.SetPathValue("id", vmID)
	b.ReportAllocs()
	for b.Loop() {
		var p vmParams
		if err := Params(r, &p); err != nil {
			b.Fatal(err)
		}
	}
}

var _ io.ReadCloser = (*resettable)(nil)

// BenchmarkDecodeVersusBaseline runs Decode and the standard-library baseline
// in alternating batches of the same loop, so that a noisy machine slows both
// alike, and reports the median of the per-batch ratios as
// "validation/baseline", for the valid body and for the invalid one. Its
// ns/op and allocs/op are for eight of each.
func BenchmarkDecodeVersusBaseline(b *testing.B) {
	v := Validator()
	for _, c := range []struct {
		name string
		body []byte
		ok   bool
	}{{"valid", benchOK, true}, {"invalid", benchBad, false}} {
		b.Run("body="+c.name, func(b *testing.B) {
			rb, resetB := benchRequest(b, c.body)
			rv, resetV := benchRequest(b, c.body)
			const batch = 8
			var ratios []float64
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				for range batch {
					resetB()
					var dst benchBody
					if err := json.NewDecoder(rb.Body).Decode(&dst); err != nil {
						b.Fatal(err)
					}
					if err := v.Struct(&dst); (err == nil) != c.ok {
						b.Fatal(err)
					}
				}
				mid := time.Now()
				for range batch {
					resetV()
					var dst benchBody
					if err := Decode(rv, &dst); (err == nil) != c.ok {
						b.Fatal(err)
					}
				}
				ratios = append(ratios, float64(time.Since(mid))/float64(mid.Sub(start)))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "validation/baseline")
		})
	}
}
