package main

import (
	"fmt"
	"runtime"

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
	t.messages = append(t.messages, fmt.Sprintf(format, args...))
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
