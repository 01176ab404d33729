//go:build js && wasm && !offsyncjs

package main

import _ "embed" // fetch.js

// fetchSource is the JavaScript half of the Doer (fetch.js): one call per request, which
// reads the whole answer before it answers Go. This copy serves a bridge started without
// offsync.js (its tests); sync.wasm is built with the offsyncjs tag and carries none
// (fetchsource_offsyncjs_js_wasm.go).
//
//go:embed fetch.js
var fetchSource string
