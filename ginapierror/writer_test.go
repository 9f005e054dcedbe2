package ginapierror_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/apierror/apierror/ginapierror"
	"github.com/apierror/apierror/internal/adaptertest"
	"github.com/apierror/apierror/internal/redistest"
)

// TestSuccessUntouched: successes, a streamed body and a status without a
// body leave the stack as gin writes them without it, with X-Request-ID
// added; gin's logger mounted outside the stack logs the status sent.
func TestSuccessUntouched(t *testing.T) {
	t.Parallel()
	routes := func(e *gin.Engine) {
		e.GET("/json", func(c *gin.Context) { c.JSON(http.StatusCreated, gin.H{"id": 7}) })
		e.GET("/stream", func(c *gin.Context) {
			for _, s := range []string{"a", "b", "c"} {
				_, _ = c.Writer.WriteString(s)
				c.Writer.Flush()
			}
		})
		e.GET("/nocontent", func(c *gin.Context) { c.Status(http.StatusNoContent) })
		e.GET("/status", func(c *gin.Context) {
			c.String(http.StatusAccepted, "%d %t", c.Writer.Status(), c.Writer.Written())
		})
	}
	var logged redistest.Log
	bare := gin.New()
	routes(bare)
	e := gin.New()
	e.Use(gin.LoggerWithConfig(gin.LoggerConfig{Output: &logged,
		Formatter: func(p gin.LogFormatterParams) string { return p.Path + " " + http.StatusText(p.StatusCode) + "\n" }}))
	ginapierror.Mount(e, adaptertest.Style("gpcn"))
	routes(e)
	ours, theirs := serve(t, e), serve(t, bare)
	for _, path := range []string{"/json", "/stream", "/nocontent", "/status"} {
		got, want := call(t, ours, "GET", path, "", "X-Request-ID", "ok-1"), call(t, theirs, "GET", path, "")
		if got.Status != want.Status || got.Body != want.Body || got.Header.Get("Content-Type") != want.Header.Get("Content-Type") {
			t.Fatalf("%s: got %d %q, gin alone %d %q", path, got.Status, got.Body, want.Status, want.Body)
		}
		if got.Header.Get("X-Request-ID") != "ok-1" {
			t.Fatalf("%s: X-Request-ID %q", path, got.Header.Get("X-Request-ID"))
		}
	}
	_ = call(t, ours, "GET", "/nowhere", "")
	_ = call(t, ours, "DELETE", "/json", "")
	for _, line := range []string{"/json Created", "/nocontent No Content", "/nowhere Not Found", "/json Method Not Allowed"} {
		if !strings.Contains(logged.String(), line+"\n") {
			t.Fatalf("gin's logger missed %q:\n%s", line, logged.String())
		}
	}
}

// TestHijackThroughStack: a handler that takes over the connection (as a
// WebSocket upgrade does) gets it through the stack's writer, and what it
// writes reaches the client as it is.
func TestHijackThroughStack(t *testing.T) {
	t.Parallel()
	e := gin.New()
	ginapierror.Mount(e, adaptertest.Style("gpcn"))
	e.GET("/raw", func(c *gin.Context) {
		conn, rw, err := c.Writer.Hijack()
		if err != nil {
			c.String(http.StatusInternalServerError, "no hijack")
			return
		}
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nraw ok")
		_ = rw.Flush()
	})
	got := call(t, serve(t, e), "GET", "/raw", "")
	if got.Status != 200 || got.Body != "raw ok" {
		t.Fatalf("%d %q", got.Status, got.Body)
	}
}
