//go:build js && wasm && !offsyncjs

package idbstore

import _ "embed" // helpers.js

// helperSource is the JavaScript half of the store. Each helper issues a batch of IndexedDB
// requests in one go and reports back once (a single JS→Go crossing per batch instead of one
// per record), with bulk data as one JSON string. Callbacks are cb(tag, ok, value): tag 0 is a
// request batch result, 1 the transaction's end. Helpers never wait on anything but IDB.
//
// This copy serves a store opened without the helpers (tests, a program without offsync.js).
// sync.wasm is built with the offsyncjs tag and carries none (helpersource_offsyncjs.go).
//
//go:embed helpers.js
var helperSource string
