//go:build js && wasm && offsyncjs

package main

// fetchSource is empty in sync.wasm (`make wasm` builds with the offsyncjs tag): offsync.js
// always gives fetch.js's helper (exported by wasm_exec.js), so a copy was dead weight
// (docs/DESIGN.md "sync.wasm's size").
const fetchSource = ""
