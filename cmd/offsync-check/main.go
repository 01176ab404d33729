// Command offsync-check checks any server against offsync's REST contract (CONTRACT.md) with the
// same checks the reference server's tests run (package server/contracttest), outside go test:
//
//	offsync-check -url http://127.0.0.1:8080/api -token TOKEN_OF_TENANT_A -token2 TOKEN_OF_TENANT_B
//
// It writes only into fresh kinds named ct_<random>_…, prints each check as PASS, FAIL (with its
// messages) or SKIP, and exits 1 when any check failed, 2 on bad usage.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/offsync/offsync/server/contracttest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("offsync-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "base URL of the API, e.g. http://127.0.0.1:8080/api")
	tokenA := fs.String("token", "", "bearer token of one tenant")
	tokenB := fs.String("token2", "", "bearer token of another tenant")
	origin := fs.String("origin", contracttest.DefaultOrigin, "browser origin for the CORS check; empty skips it")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	checks, err := contracttest.Checks(contracttest.Options{BaseURL: *url, TokenA: *tokenA, TokenB: *tokenB, Origin: *origin})
	if err != nil {
		fmt.Fprintln(stderr, "offsync-check:", err)
		fs.Usage()
		return 2
	}
	fmt.Fprintf(stdout, "offsync-check %s\n", *url)
	failed := 0
	for _, c := range checks {
		r := runCheck(c)
		status := "PASS"
		switch {
		case r.failed:
			status = "FAIL"
			failed++
		case r.skipped:
			status = "SKIP"
		}
		fmt.Fprintf(stdout, "  %s  %s\n", status, c.Name)
		if r.failed || r.skipped {
			for _, m := range r.messages {
				fmt.Fprintf(stdout, "        %s\n", strings.ReplaceAll(strings.TrimSpace(m), "\n", "\n        "))
			}
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "%d of %d checks FAILED\n", failed, len(checks))
		return 1
	}
	fmt.Fprintf(stdout, "all %d checks passed\n", len(checks))
	return 0
}
