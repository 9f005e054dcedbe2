package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README is checked against the code, so that it cannot go stale: its
// curl tour is run against the example, its Go blocks are the compiled code
// of mount_test.go, and its style samples are the bytes the example sends.

// block is one fenced code block of the README.
type block struct {
	lang  string
	lines []string
}

func readmeBlocks(t *testing.T) (string, []block) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []block
	var cur *block
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{lang: strings.TrimPrefix(line, "```")}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.lines = append(cur.lines, line)
		}
	}
	if cur != nil {
		t.Fatalf("README: unterminated code block")
	}
	return string(b), blocks
}

func TestReadmeCommands(t *testing.T) {
	t.Parallel()
	_, blocks := readmeBlocks(t)
	if len(blocks) == 0 || blocks[0].lang != "sh" {
		t.Fatalf("the README does not open with a sh block")
	}
	var cmds []string
	for _, l := range blocks[0].lines {
		words, _ := shellWords(t, l)
		cmds = append(cmds, strings.Join(words, " "))
	}
	if strings.Join(cmds, "\n") != "go run ./example\n./scripts/test" {
		t.Errorf("the README's first commands are %q, want go run ./example and ./scripts/test", cmds)
	}
}

func TestReadmeGoBlocksAreCompiled(t *testing.T) {
	t.Parallel()
	_, blocks := readmeBlocks(t)
	src, err := os.ReadFile("mount_test.go")
	if err != nil {
		t.Fatal(err)
	}
	names := mountImports(t, src)
	n := 0
	for _, b := range blocks {
		if b.lang != "go" {
			continue
		}
		if code := strings.Join(b.lines, "\n"); strings.Contains(code, "otelapierror.") || strings.Contains(code, "ginapierror.") ||
			strings.Contains(code, "echoapierror.") || strings.Contains(code, "humaapierror.") {
			continue // a nested module's block (otelapierror, gin, echo, huma): its readme_test.go compiles it
		}
		n++
		if code := readmeImports(t, b, names); !strings.Contains(string(src), code) {
			t.Errorf("this README block is not in mount_test.go:\n%s", code)
		}
	}
	if n < 5 {
		t.Errorf("%d Go blocks in the README, want the chi and ServeMux services, the handler and the configuration", n)
	}
}

var (
	styleRow = regexp.MustCompile("(?m)^\\| `(\\w+)`[^|]*\\|[^|]*\\| `(\\{[^`]*\\})` \\|$")
	resetAt  = regexp.MustCompile(`"reset":\d+`)
)

// TestReadmeStyleSamples checks the styles table's 429 bodies against the
// example: the fourth request a minute to /v1/limited, in each style, with
// the table's request id. Only "reset", the Unix time the bucket is full
// again, differs from run to run.
func TestReadmeStyleSamples(t *testing.T) {
	t.Parallel()
	readme, _ := readmeBlocks(t)
	_, section, _ := strings.Cut(readme, "## The five styles")
	section, _, _ = strings.Cut(section, "\n## ")
	rows := styleRow.FindAllStringSubmatch(section, -1)
	if len(rows) != 5 {
		t.Fatalf("%d sample bodies in the styles table, want 5", len(rows))
	}
	for _, row := range rows {
		t.Run(row[1], func(t *testing.T) {
			t.Parallel()
			s := startServer(t, "-style", row[1], "-url", "http://127.0.0.1:8080")
			var resp *http.Response
			var body []byte
			for range 4 {
				resp, body = s.do(t, "GET", "/v1/limited", "", append([]string{"X-Request-ID", "req_7f3a"}, asAdmin...)...)
			}
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("the fourth request answered %d %s, want 429", resp.StatusCode, body)
			}
			got := resetAt.ReplaceAllString(strings.TrimSuffix(string(body), "\n"), `"reset":0`)
			if want := resetAt.ReplaceAllString(row[2], `"reset":0`); got != want {
				t.Errorf("the example answers\n%s\nthe README shows\n%s", body, row[2])
			}
		})
	}
}

var commentStatus = regexp.MustCompile(`^(\d{3})\b`)

// TestReadmeTour runs the README's sh blocks: each "go run ./example" line
// starts the example (on a free port standing in for the one written), each
// curl line is sent with net/http and must answer with the status its comment
// gives, and a "# {...}" line after a curl line is the exact body.
func TestReadmeTour(t *testing.T) {
	t.Parallel()
	_, blocks := readmeBlocks(t)
	servers := map[string]*server{} // "127.0.0.1:8080" → the process standing in for it
	jars := map[string]http.CookieJar{}
	var last []byte // the body of the last curl line
	curls := 0
	for _, b := range blocks[1:] {
		if b.lang != "sh" {
			continue
		}
		for _, line := range b.lines {
			if body, ok := strings.CutPrefix(line, "# "); ok && strings.HasPrefix(body, "{") {
				if string(last) != body {
					t.Errorf("body\n got %s\nwant %s", last, body)
				}
				continue
			}
			words, comment := shellWords(t, line)
			switch {
			case len(words) >= 2 && words[0] == "go" && words[1] == "run",
				len(words) >= 1 && words[0] == "./example/example":
				if words[0] != "go" {
					words = append([]string{"go", "run"}, words...) // the built binary takes go run's flags
				}
				addr, args := "127.0.0.1:8080", []string{}
				for i := 3; i+1 < len(words); i += 2 {
					switch words[i] {
					case "-addr":
						addr = words[i+1]
					case "-style", "-redis":
						args = append(args, words[i], words[i+1])
					default:
						t.Fatalf("%s: flag %s unknown to this test", line, words[i])
					}
				}
				// Problem types name the address the README gives.
				servers[addr] = startServer(t, append(args, "-url", "http://"+addr)...)
			case len(words) > 0 && words[0] == "curl":
				curls++
				m := commentStatus.FindStringSubmatch(comment)
				if m == nil {
					t.Fatalf("%s: the comment does not start with the expected status", line)
				}
				status, body := runCurl(t, words[1:], servers, jars)
				if status != m[1] {
					t.Errorf("%s\nanswered %s, the README says %s; body %s", line, status, m[1], body)
				}
				last = body
			case len(words) > 2 && words[0] == "go" && words[1] == "get":
				// installing: each argument is one of the repository's modules
				for _, mod := range words[2:] {
					checkModulePath(t, mod)
				}
			case strings.Join(words, " ") == "go build -o example/example ./example":
				// the tests run the binary they build themselves
			case len(words) > 1 && words[0] == "kill":
				// every server the test started is stopped by SIGTERM when it ends
			case len(words) == 0:
			default:
				t.Fatalf("%s: not a command this test runs", line)
			}
		}
	}
	if curls < 30 {
		t.Errorf("only %d curl lines ran", curls)
	}
}

// runCurl sends the request the curl arguments describe (the flags the
// README uses: -s -i -I -X -H -d -b -c) and returns the status and body.
func runCurl(t *testing.T, args []string, servers map[string]*server, jars map[string]http.CookieJar) (string, []byte) {
	t.Helper()
	method, data, target := "", "", ""
	var header []string
	var sendJar, saveJar string
	for i := 0; i < len(args); i++ {
		next := func() string {
			if i+1 >= len(args) {
				t.Fatalf("curl %v: %s needs a value", args, args[i])
			}
			i++
			return args[i]
		}
		switch a := args[i]; a {
		case "-s", "-i":
		case "-I":
			method = "HEAD"
		case "-X":
			method = next()
		case "-H":
			k, v, _ := strings.Cut(next(), ":")
			header = append(header, k, strings.TrimSpace(v))
		case "-d":
			data = next()
		case "-b":
			if v := next(); strings.Contains(v, "=") {
				header = append(header, "Cookie", v)
			} else {
				sendJar = v
			}
		case "-c":
			saveJar = next()
		default:
			if strings.HasPrefix(a, "-") || target != "" {
				t.Fatalf("curl %v: %s is not supported by this test", args, a)
			}
			target = a
		}
	}
	u, err := url.Parse("http://" + target)
	if err != nil {
		t.Fatal(err)
	}
	hostport := strings.Replace(u.Host, "localhost", "127.0.0.1", 1)
	s := servers[hostport]
	if s == nil {
		t.Fatalf("curl %v: no example was started on %s", args, hostport)
	}
	if method == "" {
		method = "GET"
		if data != "" {
			method = "POST"
		}
	}
	jar := func(name string) http.CookieJar {
		if jars[name] == nil {
			jars[name], _ = cookiejar.New(nil)
		}
		return jars[name]
	}
	// curl -d sends form data unless told otherwise; the README always says.
	req, _ := http.NewRequest(method, s.base+u.RequestURI(), strings.NewReader(data))
	if data != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if sendJar != "" {
		for _, c := range jar(sendJar).Cookies(req.URL) {
			req.AddCookie(c)
		}
	}
	plain := &http.Client{Timeout: 10 * time.Second}
	resp, err := plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if saveJar != "" {
		jar(saveJar).SetCookies(req.URL, resp.Cookies())
	}
	return strconv.Itoa(resp.StatusCode), bytes.TrimRight(body, "\n")
}

// shellWords splits a line as sh would (quotes, backslashes), up to an
// unquoted "#" starting a word, and returns the words and the comment.
func shellWords(t *testing.T, line string) (words []string, comment string) {
	t.Helper()
	var w strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, w.String())
			w.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			flush()
		case c == '#' && !inWord:
			return words, strings.TrimSpace(line[i+1:])
		case c == '&' && !inWord && strings.TrimSpace(line[i+1:]) == "":
			flush()
			return words, ""
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				t.Fatalf("unterminated quote: %s", line)
			}
			w.WriteString(line[i+1 : i+1+end])
			inWord, i = true, i+1+end
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				w.WriteByte(line[i])
			}
			if i >= len(line) {
				t.Fatalf("unterminated quote: %s", line)
			}
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words, ""
}
