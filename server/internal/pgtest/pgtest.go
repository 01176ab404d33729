// Package pgtest starts a throw-away PostgreSQL cluster from the machine's binaries for tests:
// one cluster per test binary (start it in TestMain), a fresh database per test.
//
// As root it runs the server as the unprivileged "postgres" user (falling back to "nobody"),
// since PostgreSQL refuses to run as root. It never skips: missing binaries are an error.
package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinDir holds initdb, pg_ctl and postgres. OFFSYNC_PG_BIN overrides it.
const BinDir = "/usr/lib/postgresql/15/bin"

const startTimeout = 60 * time.Second

// Cluster is a running throw-away cluster.
type Cluster struct {
	dir   string
	port  int
	runAs string // "" when not root
	seq   atomic.Int64
}

func binDir() string {
	if d := os.Getenv("OFFSYNC_PG_BIN"); d != "" {
		return d
	}
	return BinDir
}

// Start initialises and starts a cluster listening on 127.0.0.1 at a free port.
func Start() (*Cluster, error) {
	bin := binDir()
	for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			return nil, fmt.Errorf("pgtest: PostgreSQL binaries not found in %s (install postgresql-15 or set OFFSYNC_PG_BIN): %w", bin, err)
		}
	}
	dir, err := os.MkdirTemp("", "offsync-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{dir: dir}
	if os.Geteuid() == 0 {
		if err := c.chownTo(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.port = port
	data := filepath.Join(dir, "data")
	if err := c.run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
		"--no-sync", "-E", "UTF8", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", dir, port)
	if err := c.run(filepath.Join(bin, "pg_ctl"), "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"),
		"-w", "-t", strconv.Itoa(int(startTimeout/time.Second)), "start"); err != nil {
		logs, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, logs)
	}
	return c, nil
}

// chownTo picks the unprivileged user and gives it the temp dir.
func (c *Cluster) chownTo() error {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return fmt.Errorf("pgtest: chown %s: %w", c.dir, err)
		}
		c.runAs = name
		return nil
	}
	return fmt.Errorf("pgtest: running as root and no postgres/nobody user to run PostgreSQL as")
}

func (c *Cluster) run(name string, args ...string) error {
	if c.runAs != "" {
		args = append([]string{"-u", c.runAs, "--", name}, args...)
		name = "runuser"
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout+10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgtest: %s %v: %w\n%s", name, args, err, out.String())
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the connection URL of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.seq.Add(1))
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", fmt.Errorf("pgtest: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("pgtest: create database: %w", err)
	}
	return c.URL(name), nil
}

// Stop stops the cluster and removes its files.
func (c *Cluster) Stop() error {
	err := c.run(filepath.Join(binDir(), "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	if rmErr := os.RemoveAll(c.dir); err == nil && rmErr != nil {
		err = fmt.Errorf("pgtest: %w", rmErr)
	}
	return err
}
