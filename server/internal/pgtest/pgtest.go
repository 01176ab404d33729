// Package pgtest starts a throw-away PostgreSQL cluster from the machine's binaries for tests:
// one cluster per test binary (start it in TestMain), a fresh database per test.
//
// As root it runs PostgreSQL as the unprivileged "postgres" user (falling back to "nobody"),
// since PostgreSQL refuses to run as root. The server is a direct child of the test process
// and is killed with it (on Linux), so a test binary killed by a timeout leaks no cluster.
// It never skips: missing binaries are an error.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinDir holds initdb and postgres. OFFSYNC_PG_BIN overrides it.
const BinDir = "/usr/lib/postgresql/15/bin"

const (
	startTimeout = 60 * time.Second
	stopTimeout  = 30 * time.Second
)

// Cluster is a running throw-away cluster.
type Cluster struct {
	dir    string
	port   int
	cred   *syscall.Credential // nil when not root
	server *exec.Cmd
	exited chan struct{}
	seq    atomic.Int64
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
	for _, b := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			return nil, fmt.Errorf("pgtest: PostgreSQL binaries not found in %s (install postgresql-15 or set OFFSYNC_PG_BIN): %w", bin, err)
		}
	}
	dir, err := os.MkdirTemp("", "offsync-pg-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{dir: dir, exited: make(chan struct{})}
	if err := c.start(bin); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(bin string) error {
	if os.Geteuid() == 0 {
		if err := c.dropPrivileges(); err != nil {
			return err
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	data := filepath.Join(c.dir, "data")
	initdb := c.command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
		"--no-sync", "-E", "UTF8", "--locale=C")
	var out bytes.Buffer
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out.String())
	}
	logf, err := os.Create(filepath.Join(c.dir, "log"))
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()
	c.server = c.command(filepath.Join(bin, "postgres"), "-D", data, "-k", c.dir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=200")
	c.server.Stdout, c.server.Stderr = logf, logf
	setParentDeathSignal(c.server)
	if err := c.server.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	go func() {
		c.server.Wait()
		close(c.exited)
	}()
	if err := c.waitReady(); err != nil {
		c.server.Process.Kill()
		<-c.exited
		logs, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("%w\nserver log:\n%s", err, logs)
	}
	return nil
}

// dropPrivileges picks the unprivileged user to run PostgreSQL as and gives it the temp dir.
func (c *Cluster) dropPrivileges() error {
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
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		return nil
	}
	return errors.New("pgtest: running as root and no postgres/nobody user to run PostgreSQL as")
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func (c *Cluster) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-c.exited:
			return fmt.Errorf("pgtest: postgres exited during start: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("pgtest: postgres not ready within %v: %w", startTimeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
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

// Stop shuts the cluster down (fast mode, then a kill after stopTimeout) and removes its files.
func (c *Cluster) Stop() error {
	var err error
	if sigErr := c.server.Process.Signal(syscall.SIGINT); sigErr == nil {
		select {
		case <-c.exited:
		case <-time.After(stopTimeout):
			c.server.Process.Kill()
			<-c.exited
			err = fmt.Errorf("pgtest: postgres did not stop within %v; killed", stopTimeout)
		}
	}
	if rmErr := os.RemoveAll(c.dir); err == nil && rmErr != nil {
		err = fmt.Errorf("pgtest: %w", rmErr)
	}
	return err
}
