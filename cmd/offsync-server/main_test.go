package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asBinary makes the test binary act as offsync-server when re-executed by startBinary.
const asBinary = "OFFSYNC_SERVER_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asBinary) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startBinary runs this binary as offsync-server and returns it with the URL of its first line.
func startBinary(t *testing.T, args ...string) (*exec.Cmd, string, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asBinary+"=1")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	rd := bufio.NewReader(stderr)
	lineC := make(chan string, 1)
	go func() {
		l, _ := rd.ReadString('\n')
		lineC <- l
	}()
	select {
	case l := <-lineC:
		url, ok := strings.CutPrefix(strings.TrimSpace(l), "offsync-server listening on ")
		require.True(t, ok, "first line announces the URL, got %q", l)
		require.Regexp(t, `^http://127\.0\.0\.1:[1-9][0-9]*$`, url)
		return cmd, url, rd
	case <-time.After(30 * time.Second):
		t.Fatal("no listening line within 30 s")
	}
	return nil, "", nil
}

func TestBinaryServesAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.txt")
	require.NoError(t, os.WriteFile(tokens, []byte("# test tokens\nsecret-a tenant-a\n\nsecret-b tenant-b\n"), 0o600))
	web := filepath.Join(dir, "web")
	require.NoError(t, os.MkdirAll(web, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(web, "sync.wasm"), []byte("\x00asm"), 0o644))
	cmd, url, rd := startBinary(t, "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "x.db"), "-tokens", tokens,
		"-prefix", "/api", "-static", web)

	res, err := http.Get(url + "/api/health")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)

	req, _ := http.NewRequest(http.MethodGet, url+"/api/notes?updatedSince=1970-01-01T00:00:00Z", nil)
	req.Header.Set("Authorization", "Bearer secret-b")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "a token from the file is accepted")

	res, err = http.Get(url + "/sync.wasm")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"))

	logs := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(rd)
		logs <- string(b)
	}()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() {
		rest := <-logs // Wait closes the pipe: read it to the end first
		logs <- rest
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		require.NoError(t, err, "graceful shutdown exits 0")
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop within 20 s of SIGTERM")
	}
	assert.Contains(t, <-logs, "msg=stopped")
}

func TestRefusesToStartWithoutAuth(t *testing.T) {
	var out strings.Builder
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "x.db")}, &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-tokens")
	assert.Contains(t, err.Error(), "-dev")
}

func TestDevModeWarnsLoudly(t *testing.T) {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-dev", "-db", filepath.Join(t.TempDir(), "x.db")}, pw)
		pw.Close()
	}()
	rd := bufio.NewReader(pr)
	first, err := rd.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(first, "offsync-server listening on http://127.0.0.1:"), first)
	second, err := rd.ReadString('\n')
	require.NoError(t, err)
	assert.Contains(t, second, "level=WARN")
	assert.Contains(t, second, "DEV MODE")
	go io.Copy(io.Discard, rd)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db": "postgres://u:***@h:5432/db",
		"postgres://u@h/db":         "postgres://u@h/db",
		"./offsync.db":              "./offsync.db",
	} {
		assert.Equal(t, want, redact(in))
	}
}
