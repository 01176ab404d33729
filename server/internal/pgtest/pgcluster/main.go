// Command pgcluster starts a throw-away PostgreSQL cluster (pgtest), prints the URL of an empty
// database on its first stdout line, and stops the cluster when its stdin closes or it gets
// SIGINT/SIGTERM. The benchmark uses it to run the reference server on PostgreSQL
// (`node bench/run.mjs --only pull,push --postgres`).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/offsync/offsync/server/internal/pgtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdin, os.Stdout); err != nil {
		slog.Error("pgcluster", "err", err)
		os.Exit(1)
	}
}

// run starts the cluster, writes the database URL as a line to out, and stops the cluster once
// in ends or ctx is done.
func run(ctx context.Context, in io.Reader, out io.Writer) error {
	c, err := pgtest.Start()
	if err != nil {
		return err
	}
	defer func() {
		if err := c.Stop(); err != nil {
			slog.Error("pgcluster: stop", "err", err)
		}
	}()
	url, err := c.NewDatabase(ctx)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(out, url); err != nil {
		return err
	}
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, in)
		close(closed)
	}()
	select {
	case <-closed:
	case <-ctx.Done():
	}
	return nil
}
