package bench

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/go-playground/validator/v10"
)

// createVM is a typical request body: scalars with the usual rules, a nested
// object and two slices whose elements are validated too.
type createVM struct {
	Name        string   `json:"name" validate:"required,min=3,max=63"`
	Size        int      `json:"size" validate:"required,min=1,max=64"`
	Region      string   `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID     string   `json:"image_id" validate:"required,uuid"`
	Description string   `json:"description" validate:"max=500"`
	Tags        []vmTag  `json:"tags" validate:"max=16,dive"`
	Disks       []vmDisk `json:"disks" validate:"max=8,dive"`
	Network     vmNet    `json:"network"`
}

type vmTag struct {
	Key   string `json:"key" validate:"required,max=64"`
	Value string `json:"value" validate:"max=256"`
}

type vmDisk struct {
	Name   string `json:"name" validate:"required,alphanum,max=32"`
	SizeGB int    `json:"size_gb" validate:"required,min=1,max=16384"`
	Type   string `json:"type" validate:"required,oneof=ssd hdd nvme"`
}

type vmNet struct {
	Subnet string `json:"subnet" validate:"required,cidr"`
	Public bool   `json:"public"`
}

// validBody is about 1 KB and passes every rule; invalidBody is the same
// with two fields failing (name too short, a disk's size over its maximum).
var (
	validBody   = []byte(vmBody("web-frontend-01", 8192))
	invalidBody = []byte(vmBody("w", 20000))
)

func vmBody(name string, diskSize int) string {
	return `{"name":"` + name + `","size":4,"region":"eu-west","image_id":"6f1c2b1e-8f0a-4a53-9d3c-2b7e4c1d9a10",` +
		`"description":"Front-end web server for the shop, serving static assets and proxying the API. Rebuilt nightly from the main branch; owned by the platform team, paged on call.",` +
		`"tags":[{"key":"env","value":"production"},{"key":"team","value":"platform"},{"key":"cost-centre","value":"cc-1042"},` +
		`{"key":"service","value":"shop-frontend"},{"key":"backup","value":"daily"},{"key":"owner","value":"alice@example.com"},` +
		`{"key":"monitoring","value":"prometheus"},{"key":"zone-preference","value":"eu-west-1a"},{"key":"tier","value":"web"}],` +
		`"disks":[{"name":"root","size_gb":64,"type":"ssd"},{"name":"data","size_gb":` + itoa(diskSize) + `,"type":"nvme"},` +
		`{"name":"logs","size_gb":256,"type":"hdd"},{"name":"scratch","size_gb":512,"type":"ssd"}],` +
		`"network":{"subnet":"10.20.0.0/16","public":true},` +
		`"labels_note":"padding to bring the body to about one kilobyte, as a typical create request"}`
}

// The by-hand peers ignore labels_note, which is not a field of createVM;
// the strict ones, ours included, would refuse it. So the strict variants
// decode a body without it.
var (
	validBodyStrict   = stripNote(validBody)
	invalidBodyStrict = stripNote(invalidBody)
)

func stripNote(b []byte) []byte {
	s := string(b)
	i := strings.Index(s, `,"labels_note"`)
	return []byte(s[:i] + "}")
}

// handValidator is the shared validator a service sets up by hand: required
// structs enabled, JSON names in the errors.
var handValidator = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}()

// decodeImpl decodes and validates r's body into dst, returning an error
// that lists the failed fields when validation fails.
type decodeImpl struct {
	name   string
	strict bool
	fn     func(r *http.Request, dst *createVM) error
}

// handFields turns validator errors into field errors, as a service does by
// hand.
func handFields(err error) error {
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	fields := make([]errresp.FieldError, len(ves))
	for i, fe := range ves {
		_, path, _ := strings.Cut(fe.Namespace(), ".")
		fields[i] = errresp.FieldError{Field: path, Rule: fe.Tag(), Param: fe.Param(), Message: fe.Error()}
	}
	return errresp.NewInvalid("The request body failed validation.", fields...)
}

// decodeImpls are the decoders compared: "stdlib" is json.NewDecoder(...).
// Decode and validate.Struct, as most services write it; "stdlib-strict" adds
// what strict decoding means (unknown fields and trailing data refused).
func decodeImpls() []decodeImpl {
	impls := oursDecoders()
	return append(impls,
		decodeImpl{"stdlib", false, func(r *http.Request, dst *createVM) error {
			if err := json.NewDecoder(r.Body).Decode(dst); err != nil {
				return err
			}
			return handFields(handValidator.Struct(dst))
		}},
		decodeImpl{"stdlib-strict", true, func(r *http.Request, dst *createVM) error {
			dec := json.NewDecoder(r.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(dst); err != nil {
				return err
			}
			if dec.More() {
				return errors.New("trailing data after the JSON object")
			}
			return handFields(handValidator.Struct(dst))
		}},
	)
}

// BenchmarkValidation decodes and validates a 1 KB body that passes
// (case=valid) and one with two failing fields (case=invalid), each
// implementation in the same run.
func BenchmarkValidation(b *testing.B) {
	for _, c := range []struct {
		name string
		ok   bool
	}{{"valid", true}, {"invalid", false}} {
		b.Run("case="+c.name, func(b *testing.B) {
			for _, im := range decodeImpls() {
				b.Run("impl="+im.name, func(b *testing.B) {
					body := bodyFor(c.ok, im.strict)
					r, rb := vmRequest(body)
					b.SetBytes(int64(len(body)))
					b.ReportAllocs()
					for b.Loop() {
						rb.rewind()
						var dst createVM
						if err := im.fn(r, &dst); (err == nil) != c.ok {
							b.Fatalf("err %v, want ok %v", err, c.ok)
						}
					}
				})
			}
		})
	}
}

// vmRequest is a POST of body that rb.rewind makes ready to be read again.
func vmRequest(body []byte) (r *http.Request, rb *rewindBody) {
	rb = newRewindBody(body)
	r = httptest.NewRequest(http.MethodPost, "/v1/vms", nil)
	r.Header.Set("Content-Type", "application/json")
	r.ContentLength = int64(len(body))
	r.Body = rb
	return r, rb
}

func bodyFor(valid, strict bool) []byte {
	switch {
	case valid && strict:
		return validBodyStrict
	case valid:
		return validBody
	case strict:
		return invalidBodyStrict
	default:
		return invalidBody
	}
}

// TestDecodeImpls checks that every decoder accepts the valid body and
// reports both failing fields of the invalid one.
func TestDecodeImpls(t *testing.T) {
	t.Parallel()
	if n := len(validBody); n < 900 || n > 1200 {
		t.Errorf("valid body is %d bytes, want about 1 KB", n)
	}
	for _, im := range decodeImpls() {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			for _, valid := range []bool{true, false} {
				r := httptest.NewRequest(http.MethodPost, "/v1/vms", strings.NewReader(string(bodyFor(valid, im.strict))))
				r.Header.Set("Content-Type", "application/json")
				var dst createVM
				err := im.fn(r, &dst)
				if valid {
					if err != nil {
						t.Fatalf("valid body: %v", err)
					}
					if dst.Name != "web-frontend-01" || len(dst.Disks) != 4 || dst.Network.Subnet != "10.20.0.0/16" {
						t.Errorf("valid body decoded as %+v", dst)
					}
					continue
				}
				e := errresp.From(err)
				if e.Kind != errresp.InvalidRequest || len(e.Fields) != 2 {
					t.Fatalf("invalid body: kind %v, fields %+v (err %v)", e.Kind, e.Fields, err)
				}
				got := e.Fields[0].Field + " " + e.Fields[1].Field
				if got != "name disks[1].size_gb" {
					t.Errorf("invalid body: fields %q, want %q", got, "name disks[1].size_gb")
				}
			}
		})
	}
}

// BenchmarkValidationPaired runs ours and the plain pair ("stdlib") in
// alternating batches of eight within one loop, so that a busy machine slows
// both alike, and reports the median of the batches' time ratios, ours /
// stdlib, as "ours/stdlib". Its ns/op and allocations are for eight of each.
func BenchmarkValidationPaired(b *testing.B) {
	impls := map[string]decodeImpl{}
	for _, im := range decodeImpls() {
		impls[im.name] = im
	}
	ours, pair := impls["ours"], impls["stdlib"]
	for _, c := range []struct {
		name string
		ok   bool
	}{{"valid", true}, {"invalid", false}} {
		b.Run("case="+c.name, func(b *testing.B) {
			run := func(im decodeImpl) func() {
				r, rb := vmRequest(bodyFor(c.ok, im.strict))
				return func() {
					for range 8 {
						rb.rewind()
						var dst createVM
						if err := im.fn(r, &dst); (err == nil) != c.ok {
							b.Fatalf("%s: err %v, want ok %v", im.name, err, c.ok)
						}
					}
				}
			}
			runOurs, runPair := run(ours), run(pair)
			var ratios []float64
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				runPair()
				mid := time.Now()
				runOurs()
				ratios = append(ratios, float64(time.Since(mid))/float64(mid.Sub(start)))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "ours/stdlib")
		})
	}
}
