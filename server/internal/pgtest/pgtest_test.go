package pgtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

func TestClusterStartsAndStops(t *testing.T) {
	c, err := Start()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, err := c.NewDatabase(ctx)
	require.NoError(t, err)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT 40 + 2").Scan(&n))
	require.Equal(t, 42, n)
	var collation string
	require.NoError(t, conn.QueryRow(ctx, "SELECT datcollate FROM pg_database WHERE datname = current_database()").Scan(&collation))
	require.Equal(t, "C", collation)
	require.NoError(t, conn.Close(ctx))
	require.NoError(t, c.Stop())
	_, err = pgx.Connect(ctx, url)
	require.Error(t, err, "the cluster is down after Stop")
	_, err = os.Stat(c.dir)
	require.True(t, os.IsNotExist(err), "its files are removed")
}
