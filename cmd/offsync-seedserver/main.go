// Command offsync-seedserver runs internal/seedserver, a backend that answers as the seed
// library's backend guide and example backend do (snake_case versions, 204 deletes, serverData
// in 409 bodies, no /batch, no idempotency, no auth), for tests of offsync against it:
//
//	offsync-seedserver -addr 127.0.0.1:0 [-put-answer record|empty|other|echo]
//
// It prints "offsync-seedserver listening on http://HOST:PORT" to stderr once it accepts
// connections, keeps everything in memory, and stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/offsync/offsync/internal/seedserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("offsync-seedserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	answer := fs.String("put-answer", string(seedserver.PutRecord), "a successful PUT answers: record (201/200 with the record), empty (204), other (200 {\"ok\":true}) or echo (200 with the request's body)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	pa, ok := seedserver.ParsePutAnswer(*answer)
	if !ok {
		fmt.Fprintf(stderr, "offsync-seedserver: -put-answer %q: want record, empty, other or echo\n", *answer)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "offsync-seedserver:", err)
		return 1
	}
	hs := &http.Server{
		Handler:           seedserver.New(seedserver.Options{PutAnswer: pa}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	fmt.Fprintf(stderr, "offsync-seedserver listening on http://%s\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintln(stderr, "offsync-seedserver:", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "offsync-seedserver:", err)
		return 1
	}
	return 0
}
