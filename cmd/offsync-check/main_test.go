package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/server"
	"github.com/offsync/offsync/server/contracttest"
)

// asBinary makes the test binary act as offsync-check when re-executed by check.
const asBinary = "OFFSYNC_CHECK_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asBinary) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// check runs this binary as offsync-check and returns its exit code and stdout.
func check(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asBinary+"=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("offsync-check did not finish within 90 s")
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

func referenceServer(t *testing.T, wrap func(http.Handler) http.Handler) string {
	s, err := server.New(server.Config{
		DB:          filepath.Join(t.TempDir(), "x.db"),
		Tokens:      map[string]string{"ta": "a", "tb": "b"},
		CORSOrigins: []string{contracttest.DefaultOrigin},
	})
	require.NoError(t, err)
	hs := httptest.NewServer(wrap(s))
	t.Cleanup(func() {
		hs.Close()
		s.Close()
	})
	return hs.URL
}

func TestPassesAgainstTheReferenceServer(t *testing.T) {
	url := referenceServer(t, func(h http.Handler) http.Handler { return h })
	code, out := check(t, "-url", url, "-token", "ta", "-token2", "tb")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "PASS  tenants never see, change or replay each other's records")
	assert.NotContains(t, out, "FAIL")
	assert.Regexp(t, `all \d+ checks passed`, out)
}

func TestFailsAgainstABrokenServer(t *testing.T) {
	// A server that forgets conflicts: every PUT is forced.
	url := referenceServer(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				r.Header.Set("X-Force-Update", "true")
			}
			h.ServeHTTP(w, r)
		})
	})
	code, out := check(t, "-url", url, "-token", "ta", "-token2", "tb")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "FAIL  stale or missing base is 409 with current and changes nothing")
	assert.Contains(t, out, "PASS  health needs no auth")
	assert.Contains(t, out, "Error:", "the failure says why")
	assert.NotContains(t, out, "Error Trace", "not the suite's source paths")
	assert.True(t, strings.Contains(out, "checks FAILED"), out)
}

func TestUsageErrors(t *testing.T) {
	code, _ := check(t, "-url", "http://127.0.0.1:1", "-token", "same", "-token2", "same")
	assert.Equal(t, 2, code)
}
