package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/offsync/offsync/internal/seedserver"
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

func seedServer(t *testing.T, answer seedserver.PutAnswer, wrap func(http.Handler) http.Handler) string {
	hs := httptest.NewServer(wrap(seedserver.New(seedserver.Options{PutAnswer: answer})))
	t.Cleanup(hs.Close)
	return hs.URL
}

func plain(h http.Handler) http.Handler { return h }

func TestPassesAgainstTheReferenceServer(t *testing.T) {
	url := referenceServer(t, plain)
	code, out := check(t, "-url", url, "-token", "ta", "-token2", "tb", "-strict")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "PASS  tenants never see, change or replay each other's records")
	assert.NotContains(t, out, "FAIL")
	assert.NotContains(t, out, "SKIP")
	assert.Contains(t, out, "Verdict: WORKS with offsync: all 8 needed checks passed.")
	assert.Regexp(t, `All \d+ optional checks passed too`, out)
}

// TestSeedStyleServerWorks: a backend built as the seed library's guide and example backend
// say works, and is told which optional parts it lacks and what the client does without them.
func TestSeedStyleServerWorks(t *testing.T) {
	for _, answer := range []seedserver.PutAnswer{seedserver.PutRecord, seedserver.PutEmpty} {
		t.Run(string(answer), func(t *testing.T) {
			url := seedServer(t, answer, plain)
			code, out := check(t, "-url", url, "-token", "ta", "-token2", "tb")
			assert.Equal(t, 0, code, out)
			assert.Contains(t, out, "Verdict: WORKS with offsync: all 8 needed checks passed.")
			for _, want := range []string{
				"  - no POST /batch: the client pushes one op per request",
				"  - no idempotency keys: an op whose answer was lost is sent again",
				"  - no tenant isolation:",
				"  - no auth:",
				"  - no tombstone from DELETE (204) or GET (404): the client fetches GET /{kind}/{id} after each delete",
				"  - no conflict when a create meets an existing id:",
			} {
				assert.Contains(t, out, want)
			}
			assert.Contains(t, out, "PASS  409 answers carry the current record", "serverData is where the client looks too")
			if answer == seedserver.PutEmpty {
				assert.Contains(t, out, "  - no record in PUT answers: the client fetches GET /{kind}/{id} after each write")
			} else {
				assert.Contains(t, out, "PASS  PUT answers with the stored record", "snake_case records are records")
			}
			assert.NotContains(t, out, "Error Trace", "not the suite's source paths")

			code, _ = check(t, "-url", url, "-strict")
			assert.Equal(t, 1, code, "-strict fails on missing optional parts")
		})
	}
}

// TestServerIgnoringAfterID: the seed guide's simpler pagination (updatedSince >=, afterId
// ignored) works, with afterId listed as missing.
func TestServerIgnoringAfterID(t *testing.T) {
	hs := httptest.NewServer(seedserver.New(seedserver.Options{IgnoreAfterID: true}))
	t.Cleanup(hs.Close)
	code, out := check(t, "-url", hs.URL)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "Verdict: WORKS with offsync: all 8 needed checks passed.")
	assert.Contains(t, out, "  - afterId ignored: each pull brings again the records sharing the cursor's updatedAt")
}

func TestFailsAgainstABrokenServer(t *testing.T) {
	t.Run("conflicts forgotten", func(t *testing.T) {
		// Every PUT is forced: concurrent edits would overwrite each other.
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
		assert.Contains(t, out, "FAIL  PUT with a stale base is 409 and changes nothing")
		assert.Contains(t, out, "PASS  health needs no auth")
		assert.Contains(t, out, "Error:", "the failure says why")
		assert.NotContains(t, out, "Error Trace", "not the suite's source paths")
		assert.Contains(t, out, "Verdict: DOES NOT WORK with offsync:")
		assert.Contains(t, out, "  - PUT with a stale base is 409 and changes nothing: without it concurrent edits overwrite each other silently")
	})
	t.Run("deletes ignore their base, pulls hide tombstones", func(t *testing.T) {
		// A seed-style server that neither reads a delete's base nor pulls deleted records.
		url := seedServer(t, seedserver.PutRecord, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.Method {
				case http.MethodDelete:
					r.Header.Del("X-Base-Updated-At")
				case http.MethodGet:
					q := r.URL.Query()
					q.Set("includeDeleted", "false")
					r.URL.RawQuery = q.Encode()
				}
				h.ServeHTTP(w, r)
			})
		})
		code, out := check(t, "-url", url)
		assert.Equal(t, 1, code, out)
		assert.Contains(t, out, "Verdict: DOES NOT WORK with offsync: 3 of 8 needed checks failed:")
		assert.Contains(t, out, "  - DELETE: a stale base is 409, the current one deletes (200 or 204): without it")
		assert.Contains(t, out, "  - pull: changes and deletions (as tombstones) come after the cursor: without it other devices never learn")
		assert.Contains(t, out, "SKIP  missing or unknown token is 401", "no token given")
	})
}

func TestUsageErrors(t *testing.T) {
	code, _ := check(t, "-url", "http://127.0.0.1:1", "-token", "same", "-token2", "same")
	assert.Equal(t, 2, code)
	code, _ = check(t, "-token", "x")
	assert.Equal(t, 2, code, "no URL")
}
