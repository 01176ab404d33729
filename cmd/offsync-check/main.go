// Command offsync-check tells a backend team where their server stands against offsync's REST
// contract (CONTRACT.md), with the checks the reference server's tests run (package
// server/contracttest), outside go test:
//
//	offsync-check -url http://127.0.0.1:8080/api [-token TOKEN_OF_TENANT_A -token2 TOKEN_OF_TENANT_B] [-strict]
//
// It writes only into fresh kinds named ct_<random>_…. The checks come in two tiers: what
// offsync needs, and what makes it better (for each one missing it says what the client does
// without it). It prints each check as PASS, FAIL (with its messages) or SKIP, then a verdict:
// the server works with offsync when every needed check passed. It exits 0 when it works (with
// -strict: only when every check passed), 1 when not, 2 on bad usage. Without -token the auth
// check is skipped, without -token2 the tenancy check.
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
	tokenA := fs.String("token", "", "bearer token of one tenant (none: the auth check is skipped)")
	tokenB := fs.String("token2", "", "bearer token of another tenant (none: the tenancy check is skipped)")
	origin := fs.String("origin", contracttest.DefaultOrigin, "browser origin for the CORS check; empty skips it")
	strict := fs.Bool("strict", false, "exit 1 when any check failed, not only a needed one")
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
	results := make([]*checkT, len(checks))
	tier := contracttest.Tier(0)
	for i, c := range checks {
		if c.Tier != tier {
			tier = c.Tier
			fmt.Fprintln(stdout, tierHeading(tier))
		}
		r := runCheck(c)
		results[i] = r
		status := "PASS"
		switch {
		case r.failed:
			status = "FAIL"
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
	v := judge(checks, results)
	fmt.Fprint(stdout, v.text)
	switch {
	case !v.works:
		return 1
	case *strict && v.missing > 0:
		return 1
	}
	return 0
}

func tierHeading(t contracttest.Tier) string {
	if t == contracttest.Needed {
		return "Needed (offsync does not work without these):"
	}
	return "Better (offsync works without these; each says what the client does instead):"
}
