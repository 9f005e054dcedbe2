// Command e2eserver serves the routes of the end-to-end load run on
// loopback, either on bare chi or behind the library's full stack, so that
// cmd/e2e can load both the same way.
//
//	e2eserver -addr 127.0.0.1:8081 -stack bare|full
//
// Routes (both stacks):
//
//	GET  /healthz         200
//	GET  /v1/vms          200, a list
//	GET  /v1/vms/{id}     200 for the known id, 400 when id is not a UUID, 404 otherwise
//	POST /v1/vms          201 for a valid body, 400 listing the failed fields otherwise
//
// The bare stack is chi and hand-written handlers: encoding/json and
// validator/v10 by hand, errors written with encoding/json. The full stack is
// what a service using the library mounts: see full.go. Every /v1 route needs
// the header X-API-Key: bench-key on the full stack.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"
)

// knownID is the one VM that exists.
const knownID = "6f1c2b1e-8f0a-4a53-9d3c-2b7e4c1d9a10"

// apiKey is the credential the full stack accepts.
const apiKey = "bench-key"

var (
	listBody = []byte(`{"vms":[{"id":"` + knownID + `","name":"web-frontend-01","size":4,"region":"eu-west"}]}` + "\n")
	vmBody   = []byte(`{"id":"` + knownID + `","name":"web-frontend-01","size":4,"region":"eu-west"}` + "\n")
	okBody   = []byte(`{"ok":true}` + "\n")
	jsonCT   = []string{"application/json"}
)

// createVM is the body of POST /v1/vms.
type createVM struct {
	Name    string `json:"name" validate:"required,min=3,max=63"`
	Size    int    `json:"size" validate:"required,min=1,max=64"`
	Region  string `json:"region" validate:"required,oneof=eu-west us-east ap-south"`
	ImageID string `json:"image_id" validate:"required,uuid"`
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Type"] = jsonCT
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "loopback address to listen on")
	stack := flag.String("stack", "bare", "bare (chi alone) or full (the library's middleware)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		stopProfile := startProfile(*cpuProfile)
		defer stopProfile()
	}

	var h http.Handler
	switch *stack {
	case "bare":
		h = bareStack()
	case "full":
		h = fullStack()
	default:
		log.Fatalf("e2eserver: unknown -stack %q (bare or full)", *stack)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatalf("e2eserver: -addr: %v", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("e2eserver: -addr %s is not a loopback address", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("e2eserver: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	fmt.Printf("e2eserver: %s stack on http://%s\n", *stack, ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("e2eserver: %v", err)
	}
}

// startProfile starts a CPU profile into path and returns what stops it.
func startProfile(path string) func() {
	f, err := os.Create(path)
	if err != nil {
		log.Fatalf("e2eserver: -cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatalf("e2eserver: -cpuprofile: %v", err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Printf("e2eserver: -cpuprofile: %v", err)
		}
	}
}
