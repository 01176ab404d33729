package main

import (
	"bufio"
	"context"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// run answers an empty database's URL that accepts connections, and stops the cluster (run
// returns) once its input ends.
func TestRunServesADatabaseUntilItsInputEnds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, inR, outW) }()

	url, err := bufio.NewReader(outR).ReadString('\n')
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, url[:len(url)-1])
	require.NoError(t, err)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n))
	require.Zero(t, n, "the database is empty")
	require.NoError(t, conn.Close(ctx))

	require.NoError(t, inW.Close())
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-ctx.Done():
		t.Fatal("the cluster did not stop after its input ended")
	}
	_, err = pgx.Connect(ctx, url[:len(url)-1])
	require.Error(t, err, "the cluster is gone")
}
