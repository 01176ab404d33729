// Command faultproxy runs internal/faultproxy in front of a server for tests driven from
// outside Go (the browser crash test, js/test/crash.test.js). It prints
// "faultproxy listening on <url>" on stderr and serves until SIGTERM or SIGINT.
//
//	faultproxy -target http://127.0.0.1:8080 -seed 7 -rates dropResponse=0.02,html503=0.02 -prefix /api/
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/offsync/offsync/internal/faultproxy"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "faultproxy:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("faultproxy", flag.ContinueOnError)
	target := fs.String("target", "", "the server's base URL")
	seed := fs.Uint64("seed", 1, "seed of the random faults")
	rates := fs.String("rates", "", "fault=probability pairs, comma-separated (e.g. dropResponse=0.02)")
	prefix := fs.String("prefix", "", "only paths with this prefix may be faulted (besides …/health, never faulted)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := faultproxy.Config{Target: *target, Seed: *seed, Rates: map[faultproxy.Fault]float64{}}
	for _, pair := range strings.Split(*rates, ",") {
		if pair == "" {
			continue
		}
		name, value, ok := strings.Cut(pair, "=")
		r, err := strconv.ParseFloat(value, 64)
		if !ok || err != nil || !known(faultproxy.Fault(name)) {
			return fmt.Errorf("bad -rates entry %q", pair)
		}
		cfg.Rates[faultproxy.Fault(name)] = r
	}
	cfg.Eligible = func(r *http.Request) bool {
		return strings.HasPrefix(r.URL.Path, *prefix) && !strings.HasSuffix(r.URL.Path, "/health")
	}
	p, err := faultproxy.Start(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "faultproxy listening on", p.URL())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	counts := p.Counts()
	fmt.Fprintln(os.Stderr, "faultproxy: requests by fault:", counts)
	return p.Close()
}

func known(f faultproxy.Fault) bool {
	for _, k := range faultproxy.Faults {
		if k == f {
			return true
		}
	}
	return false
}
