package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stall opens a connection to url's host and sends the start of a request that never ends.
func stall(t *testing.T, url, partial string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, partial)
	require.NoError(t, err)
	return c
}

// closedWithin reports whether the server closes c within d (after any answer it sends): an
// EOF, or a reset (a process that exits with bytes of the request still unread in its socket
// makes the kernel reset the connection instead of closing it). Only a timeout means open.
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Timeout()
}

func TestSIGTERMWithAStalledClientExitsZero(t *testing.T) {
	dir := t.TempDir()
	cmd, url, rd := startBinary(t, "-addr", "127.0.0.1:0", "-dev", "-db", filepath.Join(dir, "x.db"), "-shutdown-grace", "1s")
	go io.Copy(io.Discard, rd)
	// Mid-body: the handler waits in its read of the body.
	c := stall(t, url, "PUT /notes/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 1000\r\n\r\n{\"id\":")
	time.Sleep(200 * time.Millisecond) // the request reaches the handler
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit 0 after the grace period")
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop within 15 s of SIGTERM (grace 1 s)")
	}
	assert.True(t, closedWithin(c, 5*time.Second), "the stalled connection was closed")
}

func TestStalledConnectionsAreCutAndCapped(t *testing.T) {
	dir := t.TempDir()
	_, url, rd := startBinary(t, "-addr", "127.0.0.1:0", "-dev", "-db", filepath.Join(dir, "x.db"),
		"-max-conns", "2", "-read-timeout", "2s")
	go io.Copy(io.Discard, rd)
	a := stall(t, url, "GET /health HTTP/1.1\r\nHost: x\r\n")                                                         // mid-headers
	b := stall(t, url, "PUT /notes/a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 100\r\n\r\n{") // mid-body
	time.Sleep(200 * time.Millisecond)

	// Both slots are taken: a third client waits in the kernel's accept queue.
	blocked := &http.Client{Timeout: 500 * time.Millisecond}
	_, err := blocked.Get(url + "/health")
	require.Error(t, err, "a third connection is not served while two are open")

	assert.True(t, closedWithin(a, 10*time.Second), "a request stalled mid-headers is cut by the read timeout")
	assert.True(t, closedWithin(b, 10*time.Second), "a request stalled mid-body is cut by the read timeout")
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(url + "/health")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "served once a slot is free")
}

func TestBinaryReadsATokensFileWithABOM(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.txt")
	require.NoError(t, os.WriteFile(tokens, []byte("\uFEFFsecret-a tenant-a\r\n"), 0o600))
	_, url, rd := startBinary(t, "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "x.db"), "-tokens", tokens)
	go io.Copy(io.Discard, bufio.NewReader(rd))
	req, _ := http.NewRequest(http.MethodGet, url+"/notes?updatedSince=1970-01-01T00:00:00Z", nil)
	req.Header.Set("Authorization", "Bearer secret-a")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the first token of a file saved with a BOM works")
}
