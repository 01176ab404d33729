// Package jsonv reads and writes JSON without encoding/json, which with reflect and fmt is
// most of sync.wasm's download (docs/DESIGN.md, "No encoding/json in sync.wasm"). Reading
// follows encoding/json's rules where a caller could tell: the same documents are valid
// (jsonscan.Valid), object keys match fields case-insensitively with the last one winning,
// null leaves a plain value as it was, strings decode invalid UTF-8 and lone surrogates to
// U+FFFD; writing escapes strings as json.Marshal does. The tests compare both with
// encoding/json.
//
// The small exported helpers that every codec calls once per field are marked
// //go:noinline: inlined at each of those call sites they cost sync.wasm ~18 KB gzip, and
// none of them is on a hot path (the sync path reads with jsonscan and writes frames).
package jsonv
