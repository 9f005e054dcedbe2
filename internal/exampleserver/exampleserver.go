// Package exampleserver runs the examples of the framework adapters (the
// gin, echo and huma modules): the flags they share (-addr, -style), an
// http.Server with bounded client times, and a graceful shutdown on
// SIGINT or SIGTERM.
package exampleserver

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/apierror/apierror/errresp"
)

// Run parses the flags, builds the service in the style asked for with
// newService, and serves it until a signal stops it; it prints the address
// and the demo key key. It exits the program on a bad flag or a failure to
// listen.
func Run(newService func(*errresp.Style) http.Handler, key string) {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	style := flag.String("style", "problem", "envelope style: problem, gpcn, devdocs, gcore or authpi")
	flag.Parse()
	s, ok := errresp.StyleNamed(*style)
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown style %q\n", *style)
		os.Exit(2)
	}
	srv := &http.Server{Addr: *addr, Handler: newService(s), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	fmt.Printf("listening on http://%s (style %s); API key %s\n", *addr, s.Name, key)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
