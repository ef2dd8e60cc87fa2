package main_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The shell examples of the documentation, run against the binary.
//
// Every block fenced ```sh in README.md and docs/*.md runs, with bash, in one
// shell per page, in order, against a fakeserver started for that page with
// -seed 42 (fakeserver is on the PATH; 127.0.0.1:8080 and localhost:8080 are
// replaced by its address, also given as FAKESERVER_ADDR). Every command
// must exit with status 0. Lines starting with "#> " right after a command
// are what it prints; a command followed by none must print nothing. In a shown line, "…" stands for any text on that
// line, and a line of "…" alone for any number of lines. Blocks fenced
// ```sh no-test are not run. docs/testing.md documents the convention.

// docExample is one command of a shell block and the output it shows.
type docExample struct {
	line    int // of the command in its file
	command string
	want    []string // the shown output lines, without "#> "
}

var heredocStart = regexp.MustCompile(`<<-?\s*['"]?(\w+)['"]?`)

// docExamples reads the commands of the runnable shell blocks of a
// Markdown file.
func docExamples(t *testing.T, file string) []docExample {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var (
		out       []docExample
		inBlock   bool
		cur       *docExample
		heredoc   string // the delimiter while in a here-document
		continued bool   // the last command line ended with a backslash
	)
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case !inBlock:
			if trimmed == "```sh" {
				inBlock = true
			}
			continue
		case heredoc != "":
			cur.command += "\n" + line
			if trimmed == heredoc {
				heredoc = ""
			}
			continue
		case continued:
			cur.command += "\n" + line
			continued = strings.HasSuffix(line, `\`)
			continue
		case trimmed == "```":
			flush()
			inBlock = false
			continue
		case trimmed == "#>" || strings.HasPrefix(trimmed, "#> "):
			if cur == nil {
				t.Fatalf("%s:%d: shown output without a command", file, n)
			}
			cur.want = append(cur.want, strings.TrimPrefix(strings.TrimPrefix(trimmed, "#>"), " "))
			continue
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		}
		flush()
		cur = &docExample{line: n, command: line}
		if m := heredocStart.FindStringSubmatch(line); m != nil {
			heredoc = m[1]
		}
		continued = strings.HasSuffix(line, `\`)
	}
	if inBlock {
		t.Fatalf("%s: a shell block is not closed", file)
	}
	flush()
	return out
}

// shownOutput turns shown output lines into a pattern: "…" matches any text
// within a line, a line of "…" any number of lines.
func shownOutput(lines []string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^`)
	for _, l := range lines {
		if l == "…" {
			b.WriteString(`(?:.*\n)*?`)
			continue
		}
		b.WriteString(strings.ReplaceAll(regexp.QuoteMeta(l), "…", ".*?"))
		b.WriteString(`\n`)
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func TestShownOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		shown []string
		got   string
		match bool
	}{
		{nil, "", true},
		{nil, "x\n", false},
		{[]string{`{"id":4,"secret":"…"}`}, "{\"id\":4,\"secret\":\"user:ab\"}\n", true},
		{[]string{`{"id":4}`}, "{\"id\":5}\n", false},
		{[]string{"a", "…", "z"}, "a\nb\nc\nz\n", true},
		{[]string{"a", "…", "z"}, "a\nz\n", true},
		{[]string{"a", "…"}, "b\n", false},
		{[]string{"a.b"}, "axb\n", false},
	}
	for _, tt := range tests {
		if got := shownOutput(tt.shown).MatchString(tt.got); got != tt.match {
			t.Errorf("shown %q against %q: match %v, want %v", tt.shown, tt.got, got, tt.match)
		}
	}
}

var endMarker = regexp.MustCompile(`\n@@doc-example-(\d+)@@ (\d+)\n`)

func TestDocExamples(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	for _, tool := range []string{"curl", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: the documentation's examples need it (.ci/run installs it)", tool)
			}
			t.Skipf("%s is not installed: the documentation's examples need it", tool)
		}
	}
	files, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{"../../README.md"}, files...)
	bin := t.TempDir()
	if err := os.Symlink(binary, filepath.Join(bin, "fakeserver")); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, file := range files {
		examples := docExamples(t, file)
		if len(examples) == 0 {
			continue
		}
		ran += len(examples)
		name := strings.TrimPrefix(file, "../../")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := start(t, []string{"-addr", "127.0.0.1:0", "-seed", "42"}, nil)
			addr := strings.TrimPrefix(p.url, "http://")
			var script strings.Builder
			for i, ex := range examples {
				cmd := strings.NewReplacer("127.0.0.1:8080", addr, "localhost:8080", addr).Replace(ex.command)
				fmt.Fprintf(&script, "%s\nprintf '\\n@@doc-example-%d@@ %%s\\n' \"$?\"\n", cmd, i)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
			// The shell runs in a process group of its own, killed as a
			// whole when the context ends, so that a stray background
			// process cannot keep the test waiting.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			cmd.WaitDelay = 5 * time.Second
			t.Cleanup(func() {
				if cmd.Process != nil {
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				}
			})
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "FAKESERVER_ADDR="+addr)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			stdout, err := cmd.Output()
			if err != nil {
				t.Errorf("the examples of %s: %v; stderr:\n%s", name, err, stderr.String())
			}
			got := strings.ReplaceAll(string(stdout), "\r\n", "\n")
			outputs := make([]string, len(examples))
			statuses := make([]string, len(examples))
			done := make([]bool, len(examples))
			start := 0
			for _, m := range endMarker.FindAllStringSubmatchIndex(got, -1) {
				i, _ := strconv.Atoi(got[m[2]:m[3]])
				outputs[i], statuses[i], done[i] = strings.TrimRight(got[start:m[0]], "\n"), got[m[4]:m[5]], true
				start = m[1]
			}
			for i, ex := range examples {
				if !done[i] {
					t.Errorf("%s:%d: %s\ndid not finish; stderr:\n%s", name, ex.line, ex.command, stderr.String())
					break
				}
				if statuses[i] != "0" {
					t.Errorf("%s:%d: %s\nexited with status %s; stderr:\n%s", name, ex.line, ex.command, statuses[i], stderr.String())
				}
				actual := outputs[i]
				if actual != "" {
					actual += "\n"
				}
				if !shownOutput(ex.want).MatchString(actual) {
					t.Errorf("%s:%d: %s\nprinted:\n%s\nthe page shows:\n%s", name, ex.line, ex.command,
						prefixLines(actual), prefixLines(strings.Join(ex.want, "\n")))
				}
			}
		})
	}
	if ran == 0 {
		t.Fatal("no shell examples found in README.md and docs/*.md")
	}
}

// prefixLines writes text as shown output.
func prefixLines(text string) string {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return "(nothing)"
	}
	return "#> " + strings.ReplaceAll(text, "\n", "\n#> ")
}
