package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
	"github.com/offsync/offsync/server/contracttest"
	"github.com/offsync/offsync/server/internal/pgtest"
)

// pg is the package's throw-away PostgreSQL cluster (started by TestMain, never skipped).
var pg *pgtest.Cluster

func TestMain(m *testing.M) {
	c, err := pgtest.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server tests need PostgreSQL:", err)
		os.Exit(1)
	}
	pg = c
	code := m.Run()
	if err := c.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping PostgreSQL:", err)
	}
	os.Exit(code)
}

var testTokens = map[string]string{"tok-a": "tenant-a", "tok-b": "tenant-b"}

// backends names each storage backend and gives a fresh database URL or path for it.
var backends = []struct {
	name string
	db   func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "offsync.db") }},
	{"postgres", pgDB},
}

func pgDB(t *testing.T) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, err := pg.NewDatabase(ctx)
	require.NoError(t, err)
	return url
}

// newServer starts a server on a loopback listener; cfg.DB and cfg.Tokens get defaults.
func newServer(t *testing.T, cfg server.Config) (*server.Server, string) {
	t.Helper()
	if cfg.Tokens == nil && !cfg.Dev {
		cfg.Tokens = testTokens
	}
	s, err := server.New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		require.NoError(t, s.Close())
	})
	return s, hs.URL + cfg.Prefix
}

func TestContract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			_, url := newServer(t, server.Config{DB: b.db(t), Prefix: "/api", CORSOrigins: []string{contracttest.DefaultOrigin}})
			contracttest.Run(t, url, "tok-a", "tok-b")
		})
	}
}
