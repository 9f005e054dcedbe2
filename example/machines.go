package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/principal"
	"github.com/apierror/apierror/ratelimit"
)

// The virtual machines: the resource the demo API creates, reads, updates and
// deletes, each owned by the caller who created it.

// vm is one virtual machine.
type vm struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Size    int       `json:"size"`
	Region  string    `json:"region"`
	ImageID string    `json:"image_id"`
	Version int       `json:"version"`
	Created time.Time `json:"created"`
	owner   string
}

func (v *vm) etag() string { return fmt.Sprintf(`"v%d"`, v.Version) }

// vmInput is the body of POST and PUT /v1/vms.
type vmInput struct {
	Name    string `json:"name" validate:"required,min=3,max=63,vmname"`
	Size    int    `json:"size" validate:"required,min=1,max=64"`
	Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID string `json:"image_id" validate:"required,uuid"`
}

// vmPath is the {id} of /v1/vms/{id}.
type vmPath struct {
	ID string `path:"id" validate:"uuid"`
}

func (s *service) list(w http.ResponseWriter, r *http.Request) error {
	s.mu.Lock()
	out := make([]vm, 0, len(s.vms))
	for _, v := range s.vms {
		out = append(out, *v)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b vm) int { return a.Created.Compare(b.Created) })
	return writeJSON(w, http.StatusOK, map[string]any{"vms": out})
}

func (s *service) create(w http.ResponseWriter, r *http.Request) error {
	var in vmInput
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	owner := principal.FromContext(r.Context()).ID
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.nameFree(in.Name, ""); err != nil {
		return err
	}
	owned := 0
	for _, v := range s.vms {
		if v.owner == owner {
			owned++
		}
	}
	if err := ratelimit.Quota("vms", int64(owned), 1, vmQuota); err != nil {
		return err
	}
	v := &vm{ID: newUUID(), Name: in.Name, Size: in.Size, Region: in.Region, ImageID: in.ImageID,
		Version: 1, Created: time.Now().UTC(), owner: owner}
	s.vms[v.ID] = v
	w.Header().Set("Location", "/v1/vms/"+v.ID)
	w.Header().Set("ETag", v.etag())
	return writeJSON(w, http.StatusCreated, v)
}

// nameFree returns a Conflict when another machine than id has the name.
// It needs s.mu.
func (s *service) nameFree(name, id string) error {
	for _, v := range s.vms {
		if v.Name == name && v.ID != id {
			return errresp.Newf(errresp.Conflict, "A virtual machine named %q already exists.", name).With("name", name)
		}
	}
	return nil
}

// owned is lookup for a change: a machine of another caller is answered as
// one that does not exist (404), so a caller can neither change it nor learn
// that its id is taken.
func (s *service) owned(r *http.Request) (vm, error) {
	v, err := s.lookup(r)
	if err != nil {
		return vm{}, err
	}
	if v.owner != principal.FromContext(r.Context()).ID {
		return vm{}, errNoMachine()
	}
	return v, nil
}

func errNoMachine() error { return errresp.New(errresp.NotFound, "No virtual machine has that id.") }

// lookup returns the machine the request's {id} names: a 400 naming the
// field when it is not a UUID, a 404 when there is none.
func (s *service) lookup(r *http.Request) (vm, error) {
	var p vmPath
	if err := s.decoder.Params(r, &p); err != nil {
		return vm{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vms[p.ID]
	if !ok {
		return vm{}, errNoMachine()
	}
	return *v, nil
}

// etag is the current ETag of the caller's machine, for IfMatch.
func (s *service) etag(r *http.Request) (string, error) {
	v, err := s.owned(r)
	if err != nil {
		return "", err
	}
	return v.etag(), nil
}

func (s *service) get(w http.ResponseWriter, r *http.Request) error {
	v, err := s.lookup(r)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", v.etag())
	return writeJSON(w, http.StatusOK, v)
}

func (s *service) update(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.owned(r)
	if err != nil {
		return err
	}
	var in vmInput
	if err := s.decoder.Decode(r, &in); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.vms[cur.ID]
	if !ok {
		return errNoMachine()
	}
	if v.Version != cur.Version {
		return errresp.New(errresp.PreconditionFailed, "The virtual machine changed while the request was read; fetch it again.")
	}
	if err := s.nameFree(in.Name, v.ID); err != nil {
		return err
	}
	v.Name, v.Size, v.Region, v.ImageID = in.Name, in.Size, in.Region, in.ImageID
	v.Version++
	w.Header().Set("ETag", v.etag())
	return writeJSON(w, http.StatusOK, v)
}

func (s *service) remove(w http.ResponseWriter, r *http.Request) error {
	v, err := s.owned(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.vms, v.ID)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
