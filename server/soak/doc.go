// Package soak holds the reference server's crash and load runs (issue 13), written as tests:
// real offsync-server processes (built from cmd/offsync-server) on SQLite and on a throw-away
// PostgreSQL cluster, killed with SIGKILL in the middle of batch pushes, some behind the fault
// proxy, with many concurrent clients that push and pull; every run ends by checking that no
// acknowledged write is missing or duplicated and that every client's cursor walk saw exactly
// the server's records.
//
// `go test ./server/soak` runs the short, bounded version (part of `make test`). `make soak`
// sets OFFSYNC_SOAK=long for the long runs (200 clients, 60 s) and OFFSYNC_SOAK_OUT for the file
// the figures are written to as they come. OFFSYNC_SOAK_SERVER runs an already built
// offsync-server binary instead of building one (to measure another version).
package soak
