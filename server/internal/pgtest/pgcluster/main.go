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
	if err := run(); err != nil {
		slog.Error("pgcluster", "err", err)
		os.Exit(1)
	}
}

func run() error {
	c, err := pgtest.Start()
	if err != nil {
		return err
	}
	defer func() {
		if err := c.Stop(); err != nil {
			slog.Error("pgcluster: stop", "err", err)
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	url, err := c.NewDatabase(ctx)
	if err != nil {
		return err
	}
	fmt.Println(url)
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(closed)
	}()
	select {
	case <-closed:
	case <-ctx.Done():
	}
	return nil
}
