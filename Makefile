# offsync — build, test, demo, bench. Every target installs what it needs itself (idempotently).
SHELL := /bin/bash
GO ?= go
export PATH := $(CURDIR)/bin:$(PATH)
# Every build and test runs on go.mod's toolchain line (the go command fetches that Go through the
# module proxy once; this machine's go.env says GOTOOLCHAIN=local, which would ignore the line):
# Go 1.27 makes sync.wasm 45 KB of gzip smaller than 1.26 (docs/DESIGN.md, "sync.wasm's size").
export GOTOOLCHAIN := $(shell sed -n 's/^toolchain //p' go.mod)
# (named again here: make 4.3 does not export variables to $(shell))
GOROOT_DIR := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOROOT)
GO_SRC := $(shell find core memstore idbstore internal wasm -name '*.go' 2>/dev/null) go.mod go.sum
SERVER_SRC := $(shell find core server cmd -name '*.go' 2>/dev/null) go.mod go.sum

.PHONY: deps chromium npm tools wasm server seedserver demo test test-go test-wasm test-js test-e2e test-bench-smoke test-pkg bench clean soak-browser

## ---- dependencies -------------------------------------------------------------------------
deps: chromium npm tools

# Debian's chromium: the browser for every browser test (no browser downloads work here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }

npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# wasmbrowsertest built for the HOST under the name `go test` looks for on GOOS=js.
tools: bin/go_js_wasm_exec
bin/go_js_wasm_exec: go.mod go.sum
	@mkdir -p bin
	GOOS= GOARCH= $(GO) build -o $@ github.com/agnivade/wasmbrowsertest

## ---- builds -------------------------------------------------------------------------------
wasm: js/sync.wasm js/wasm_exec.js js/idb-helpers.js
# Our packages are compiled without inlining, but for internal/ (the JSON scanner and value codecs,
# the hot loops): -38 KB gzip, -28 KB brotli, at no measured cost (docs/DESIGN.md, "sync.wasm's size").
# wasm/size_test.go builds with the same flags.
WASM_GCFLAGS := -gcflags='github.com/offsync/offsync/...=-l' -gcflags='github.com/offsync/offsync/internal/...='
# Then binaryen's wasm-opt -O1 (npm's binaryen, pinned in package.json; the features are those Go's
# output uses): -0.7% gzip, -0.5% brotli, 3% less raw and a faster compile in open(); it takes
# ~100 s and ~270 MB here. wasm_exec.js's WASM_VERSION hashes the optimised file.
WASM_OPT_FLAGS := -O1 --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals --strip-producers
# Go's runtime as of 1.27 without two of its default experiments: size-specialised malloc (a copy
# of the allocator per size class) and the Green Tea collector: -23.5 KB gzip, -21 KB brotli, with
# puts, pulls, pushes, no-op syncs and wasm memory unchanged in paired runs (docs/DESIGN.md,
# "sync.wasm's size"). wasm/size_test.go reads this line.
WASM_GOEXPERIMENT := nosizespecializedmalloc,nogreenteagc
# -tags offsyncjs: no copies of idbstore's helpers.js (-16 KB gzip) and wasm/fetch.js (-1 KB) inside: offsync.js gives them.
js/sync.wasm: $(GO_SRC) node_modules/.package-lock.json
	GOOS=js GOARCH=wasm GOEXPERIMENT=$(WASM_GOEXPERIMENT) $(GO) build -trimpath -tags offsyncjs $(WASM_GCFLAGS) -ldflags='-s -w' -o $@.go ./wasm
	node_modules/.bin/wasm-opt $(WASM_OPT_FLAGS) $@.go -o $@.opt
	mv $@.opt $@ && rm -f $@.go
# Go's wasm_exec.js, made to leave no globals behind and naming sync.wasm's version (see the script).
js/wasm_exec.js: $(GOROOT_DIR)/lib/wasm/wasm_exec.js js/scripts/wasm-exec.mjs js/sync.wasm wasm/fetch.js
	node js/scripts/wasm-exec.mjs $< $@ js/sync.wasm wasm/fetch.js
# idbstore's JavaScript half as a module, so that offsync.js hands it to the store (no eval).
js/idb-helpers.js: idbstore/helpers.js
	{ echo '// Made by make from idbstore/helpers.js: edit that file.'; echo 'export function idbHelpers() {'; cat $<; echo '}'; } > $@

server: bin/offsync-server
bin/offsync-server: $(SERVER_SRC)
	@mkdir -p bin
	$(GO) build -o $@ ./cmd/offsync-server

# A backend that answers as the seed library's guide and example backend do (js/test/seed.test.js).
seedserver: bin/offsync-seedserver
bin/offsync-seedserver: $(shell find internal/seedserver cmd/offsync-seedserver -name '*.go' 2>/dev/null) go.mod go.sum
	@mkdir -p bin
	$(GO) build -o $@ ./cmd/offsync-seedserver

## ---- demo ---------------------------------------------------------------------------------
demo: wasm server
	@$(MAKE) --no-print-directory webapp-lib
	@echo "offsync demo: open http://127.0.0.1:8080/  (Ctrl-C stops it)"
	bin/offsync-server -addr 127.0.0.1:8080 -db ./offsync-demo.db -dev -static example-web -prefix /api

# The example PWA serves the JS package from example-web/lib/, a gitignored copy of js/.
.PHONY: webapp-lib
webapp-lib: wasm
	@mkdir -p example-web/lib
	cp -p js/offsync.js js/merges.js js/query.js js/live.js js/wasm_exec.js js/idb-helpers.js js/sync.wasm example-web/lib/
	@$(MAKE) --no-print-directory example-web/lib/sync.wasm.br example-web/lib/sync.wasm.gz
	cp -p js/background.js example-web/lib/
# The server sends these copies to browsers that accept br (~0.92 MB; browsers ask for br over
# HTTPS only) or gzip (~1.25 MB) instead of the 4.7 MB file.
example-web/lib/sync.wasm.br: example-web/lib/sync.wasm
	node -e "const z = require('zlib'), fs = require('fs'); const b = fs.readFileSync(process.argv[1]); fs.writeFileSync(process.argv[2], z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11, [z.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }))" $< $@
example-web/lib/sync.wasm.gz: example-web/lib/sync.wasm
	node -e "const z = require('zlib'), fs = require('fs'); fs.writeFileSync(process.argv[2], z.gzipSync(fs.readFileSync(process.argv[1]), { level: 9 }))" $< $@

## ---- tests --------------------------------------------------------------------------------
test: test-go test-wasm test-js test-e2e test-bench-smoke test-pkg

# Host: core, memstore, server (SQLite and a throw-away PostgreSQL), transport, simulation.
test-go:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# js/wasm packages in real headless Chromium (wasmbrowsertest).
test-wasm: chromium tools
	GOOS=js GOARCH=wasm $(GO) test -count=1 -timeout 10m ./idbstore/... ./wasm/... ./internal/jstext/...
	GOOS=js GOARCH=wasm $(GO) test -count=1 -tags offsyncjs -run 'TestOpenWithoutHelpersIsRefused|TestOpenWithoutFetchHelperIsRefused' ./idbstore/ ./wasm/

# The JS package under Node against a real server on 127.0.0.1.
# The browser crash test (30 crashes, minutes) runs under its own per-run timeout, not the
# 180 s each other file gets.
test-js: npm wasm server seedserver
	@command -v chromium >/dev/null 2>&1 || $(MAKE) chromium
	node --test --test-concurrency=1 --test-timeout=180000 $(filter-out js/test/crash.test.js,$(wildcard js/test/*.test.js))
	node --test --test-timeout=0 js/test/crash.test.js

# Browser crash soak: js/test/crash.test.js (30 runs in test-js) run SOAK_BROWSER_RUNS times,
# SOAK_BROWSER_LANES at once; each run ends with a line in test-artifacts/soak-browser-*.log.
SOAK_BROWSER_RUNS ?= 300
SOAK_BROWSER_LANES ?= 3
soak-browser: npm wasm server
	@command -v chromium >/dev/null 2>&1 || $(MAKE) chromium
	@mkdir -p test-artifacts
	GO=$(GO) CRASH_ITERATIONS=$(SOAK_BROWSER_RUNS) CRASH_LANES=$(SOAK_BROWSER_LANES) CRASH_LOG=$(CURDIR)/test-artifacts/soak-browser-$$(date -u +%Y%m%dT%H%M%SZ).log \
	  node --test --test-timeout=0 js/test/crash.test.js

# The example PWA and the JS package in headless Chromium (playwright-core).
test-e2e: chromium npm wasm server
	@$(MAKE) --no-print-directory webapp-lib
	node --test --test-concurrency=1 example-web/test/*.test.mjs

# The npm package: types under tsc --strict, the tarball installed into Vite and esbuild apps
# (run in Chromium) and Node, the loader in Chromium (globals, load errors), Node's exit.
test-pkg: chromium npm wasm server
	node --test --test-concurrency=1 --test-timeout=300000 js/test/pkg/*.test.js

test-bench-smoke: chromium npm wasm server
	node_modules/.bin/esbuild bench/page/rxdb-side.js --bundle --format=esm --minify --log-level=warning --outfile=bench/dist/rxdb-side.js
	node --test bench/test/

bench: chromium npm wasm server
	node_modules/.bin/esbuild bench/page/rxdb-side.js --bundle --format=esm --minify --log-level=warning --outfile=bench/dist/rxdb-side.js
	node bench/run.mjs

clean:
	rm -rf bin js/sync.wasm js/sync.wasm.go js/sync.wasm.opt js/wasm_exec.js offsync-demo.db*

## ---- soak: long crash and load runs (minutes); figures go to test-artifacts/soak-*.md ------
# The server's: kill -9 under batch pushes (SQLite; 2 servers on PostgreSQL behind the fault
# proxy), 200 clients for 60 s on SQLite and on 1 and 2 servers on PostgreSQL, and the peak
# memory of each hostile request. `go test ./server/soak` (in test-go) is the short version.
.PHONY: soak soak-server
soak: soak-server soak-browser
soak-server:
	@mkdir -p test-artifacts
	OFFSYNC_SOAK=long OFFSYNC_SOAK_OUT=$(CURDIR)/test-artifacts/soak-server-$$(date -u +%Y%m%dT%H%M%SZ).md \
	  $(GO) test -count=1 -timeout 60m -v -run 'TestCrashAndLoad|TestHostileRequestMemory' ./server/soak/
