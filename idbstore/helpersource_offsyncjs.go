//go:build js && wasm && offsyncjs

package idbstore

// helperSource is empty in sync.wasm (`make wasm` builds with the offsyncjs tag): offsync.js
// always gives the helpers (./idb-helpers.js, made from helpers.js), so an embedded copy was
// dead weight, ~17 KB of sync.wasm's gzip (docs/DESIGN.md "sync.wasm's size").
const helperSource = ""
