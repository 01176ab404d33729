package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/offsync/offsync/server/contracttest"
)

// checkT is contracttest.T outside go test: it records messages, and FailNow/Skip end the
// check's own goroutine like testing.T's do.
type checkT struct {
	failed, skipped bool
	messages        []string
}

func (t *checkT) Errorf(format string, args ...any) {
	t.failed = true
	t.messages = append(t.messages, withoutTrace(fmt.Sprintf(format, args...)))
}

// withoutTrace drops testify's "Error Trace:" block (source paths of the suite), which says
// nothing about the server under test.
func withoutTrace(msg string) string {
	var out []string
	skipping := false
	for _, line := range strings.Split(msg, "\n") {
		label := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(label, "Error Trace:"):
			skipping = true
			continue
		case strings.HasPrefix(label, "Error:"), strings.HasPrefix(label, "Messages:"), strings.HasPrefix(label, "Test:"):
			skipping = false
		}
		if !skipping {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func (t *checkT) FailNow() {
	t.failed = true
	runtime.Goexit()
}

func (t *checkT) Helper() {}

func (t *checkT) Skip(args ...any) {
	t.skipped = true
	t.messages = append(t.messages, fmt.Sprint(args...))
	runtime.Goexit()
}

// runCheck runs c in its own goroutine and reports what happened; a panic is a failure.
func runCheck(c contracttest.Check) *checkT {
	t := &checkT{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				t.failed = true
				t.messages = append(t.messages, fmt.Sprint("panic: ", p))
			}
		}()
		c.Run(t)
	}()
	<-done
	return t
}
