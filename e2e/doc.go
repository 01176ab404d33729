// Package e2e holds offsync's end-to-end tests: core.Engine with memstore and the REST
// transport against the real reference server (package server) on 127.0.0.1 with SQLite files,
// with internal/faultproxy in between for the fault and convergence tests. It has no API.
package e2e
