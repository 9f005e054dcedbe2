package ginapierror_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/internal/redistest"
	"github.com/apierror/apierror/middleware"
)

// TestNestedWrapsAnswerOnce: a c.Error under two Wraps (the engine's stack
// and a group's) is answered once and logged once; a 5xx cause is logged
// with the request id and nothing says an envelope could not be written; the
// error of c.AbortWithError(502, err) is logged, the 502 envelope sent.
// It swaps slog's default logger, so it does not run in parallel.
func TestNestedWrapsAnswerOnce(t *testing.T) {
	var logged redistest.Log
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	defer slog.SetDefault(slog.New(slog.DiscardHandler))
	e := gin.New()
	ginapierror.Mount(e, adaptertest.Style("gcore"))
	g := e.Group("/g", ginapierror.Wrap(middleware.Style(adaptertest.Style("gpcn"))))
	g.GET("/conflict", func(c *gin.Context) { _ = c.Error(errresp.New(errresp.Conflict, "taken")) })
	g.GET("/fail", func(c *gin.Context) { _ = c.Error(errorString(secret)) })
	g.GET("/aborted", func(c *gin.Context) { _ = c.AbortWithError(502, errorString("upstream said: "+secret)) })
	srv := serve(t, e)
	got := call(t, srv, "GET", "/g/conflict", "", "X-Request-ID", "n-1")
	if got.Status != 409 || !strings.Contains(got.Body, `"error":"CONFLICT"`) {
		t.Fatalf("conflict: %d %s", got.Status, got.Body)
	}
	got = call(t, srv, "GET", "/g/fail", "", "X-Request-ID", "n-2")
	if got.Status != 500 || strings.Contains(got.Body, "password") {
		t.Fatalf("fail: %d %s", got.Status, got.Body)
	}
	got = call(t, srv, "GET", "/g/aborted", "", "X-Request-ID", "n-3")
	if got.Status != 502 || strings.Contains(got.Body, "password") {
		t.Fatalf("aborted: %d %s", got.Status, got.Body)
	}
	log := logged.String()
	if strings.Contains(log, "response started") || strings.Count(log, "request_id=n-2") != 1 || !strings.Contains(log, "password") ||
		!strings.Contains(log, `level=ERROR msg="handler error answered by the status it set" request_id=n-3`) {
		t.Fatalf("log:\n%s", log)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
