package rest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoNetHTTPInImportGraph keeps net/http (≈ +1.9 MB gzip in sync.wasm), net/url (≈ 28 KB) and
// regexp (≈ 127 KB) out of the wasm build: core/rest is imported there, the host Doer is not.
func TestNoNetHTTPInImportGraph(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/offsync/offsync/core")
	for _, banned := range []string{"net/http", "crypto/tls", "text/template", "net/url", "regexp"} {
		assert.NotContains(t, deps, banned)
	}
}
