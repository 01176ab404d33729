// Command offsync-server runs offsync's reference REST server (package server).
//
//	offsync-server -addr 127.0.0.1:8080 -db ./offsync.db -tokens tokens.txt
//	offsync-server -db postgres://user@host/db -tokens tokens.txt -prefix /api -static ./web
//	offsync-server -dev -db ./demo.db                       # any bearer token is its own tenant
//
// Once it listens, the FIRST line it writes to stderr is exactly
//
//	offsync-server listening on http://HOST:PORT
//
// with the real port when -addr asks for port 0 (tests start it with -addr 127.0.0.1:0 and read
// this line). The API is at that URL plus -prefix. Every later line is a log/slog text record.
// SIGINT or SIGTERM shuts it down gracefully: in-flight requests finish for up to -shutdown-grace
// (10 s), then the connections still open (a stalled client) are closed; exit code 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"github.com/offsync/offsync/server"
)

// Connection limits (server/README.md): a request stalled mid-headers or mid-body is cut after
// readTimeout, an answer a client will not read after writeTimeout.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 120 * time.Second
	idleTimeout       = 120 * time.Second
	defaultMaxConns   = 1024
	shutdownGrace     = 10 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "offsync-server:", err)
		os.Exit(1)
	}
}

// run starts the server and blocks until ctx is done, then shuts it down.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("offsync-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (port 0 picks a free port)")
	db := fs.String("db", "./offsync.db", "SQLite file path or postgres:// URL")
	tokensFile := fs.String("tokens", "", "tokens file: `TOKEN TENANT` per line, # comments")
	dev := fs.Bool("dev", false, "accept ANY bearer token as its own tenant (demos only)")
	static := fs.String("static", "", "serve this directory at / (needs -prefix)")
	prefix := fs.String("prefix", "", "mount the API under this path, e.g. /api")
	origins := fs.String("cors-origins", "", "comma-separated allowed browser origins, * for any")
	maxBody := fs.Int64("max-body", server.DefaultMaxBody, "largest record body in bytes")
	rate := fs.Float64("rate", 0, "requests per second per tenant (0: no limit)")
	maxPage := fs.Int("max-page-bytes", server.DefaultMaxPageBytes, "largest pull page in bytes of records (at least one record)")
	maxKeys := fs.Int("idempotency-max-keys", server.DefaultIdempotencyMaxKeys, "idempotency keys kept per tenant")
	readTO := fs.Duration("read-timeout", readTimeout, "longest time to read a request, headers and body")
	writeTO := fs.Duration("write-timeout", writeTimeout, "longest time to handle a request and write its answer")
	idleTO := fs.Duration("idle-timeout", idleTimeout, "how long an idle keep-alive connection stays open")
	maxConns := fs.Int("max-conns", defaultMaxConns, "most connections open at once (0: no limit)")
	grace := fs.Duration("shutdown-grace", shutdownGrace, "how long SIGTERM waits for in-flight requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if *tokensFile == "" && !*dev {
		return errors.New("refusing to start without authentication: give -tokens FILE (lines `TOKEN TENANT`), or -dev for a demo")
	}
	cfg := server.Config{
		DB: *db, Dev: *dev, Prefix: *prefix, StaticDir: *static, MaxBody: *maxBody, Rate: *rate, Logger: log,
		MaxPageBytes: *maxPage, IdempotencyMaxKeys: *maxKeys,
	}
	if *tokensFile != "" {
		t, err := server.LoadTokens(*tokensFile)
		if err != nil {
			return err
		}
		cfg.Tokens = t
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.CORSOrigins = append(cfg.CORSOrigins, o)
		}
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if *maxConns > 0 {
		// netutil.LimitListener (golang.org/x/net) waits in Accept once maxConns are open,
		// so a flood of connections queues in the kernel instead of costing goroutines.
		ln = netutil.LimitListener(ln, *maxConns)
	}
	fmt.Fprintf(stderr, "offsync-server listening on http://%s\n", ln.Addr())
	if *dev {
		log.Warn("DEV MODE: ANY bearer token is accepted as its own tenant; never expose this server")
	}
	log.Info("serving", "addr", ln.Addr().String(), "api", "http://"+ln.Addr().String()+*prefix,
		"db", redact(*db), "static", *static, "cors", cfg.CORSOrigins, "rate", *rate)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: min(readHeaderTimeout, *readTO), ReadTimeout: *readTO,
		WriteTimeout: *writeTO, IdleTimeout: *idleTO, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		// Past the grace period: what is still open is a stalled or slow client; an op it did
		// not get an answer for stays in its outbox.
		log.Warn("closing connections still open after the grace period", "grace", *grace, "err", err)
		hs.Close()
	}
	log.Info("stopped")
	return nil
}

// redact hides a password in a database URL before logging it.
func redact(db string) string {
	scheme, rest, ok := strings.Cut(db, "://")
	if !ok {
		return db
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return db
	}
	user, _, hasPass := strings.Cut(userinfo, ":")
	if !hasPass {
		return db
	}
	return scheme + "://" + user + ":***@" + host
}
