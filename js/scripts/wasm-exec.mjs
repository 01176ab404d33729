// Writes js/wasm_exec.js (make wasm): Go's lib/wasm/wasm_exec.js as is, between lines that keep
// the globals it sets (Go, and stubs of fs, process and path) off the page. offsync.js puts them
// up only while the Go program starts, when Go's runtime and syscall package read them
// (docs/DESIGN.md "No globals"). It also exports WASM_VERSION, the content hash of the sync.wasm it
// goes with, which offsync.js puts in sync.wasm's URL (docs/DESIGN.md "sync.wasm's URL names its build"),
// and fetchHelper, the JavaScript half of the bridge's fetch Doer (wasm/fetch.js), which offsync.js
// hands to the bridge (no eval in the page). One change inside Go's file: strings handed to Go
// are not looked up by value (see STRING_REFS).
// Usage: node wasm-exec.mjs <GOROOT/lib/wasm/wasm_exec.js> <out> <sync.wasm> <wasm/fetch.js>
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const [src, out, wasm, fetchJs] = process.argv.slice(2);
if (!src || !out || !wasm || !fetchJs) throw new Error('usage: node wasm-exec.mjs <wasm_exec.js> <out> <sync.wasm> <fetch.js>');
// The first 16 hex digits of SHA-256, as the reference server computes them (server/static.go).
const version = createHash('sha256').update(readFileSync(wasm)).digest('hex').slice(0, 16);
const before = `// Made by make (js/scripts/wasm-exec.mjs) from Go's lib/wasm/wasm_exec.js: edit that script.
// The globals Go's file sets, as they were before it ran (restored at the end of this file).
const GLOBALS = ['Go', 'fs', 'process', 'path'];
const prior = GLOBALS.map((k) => Object.getOwnPropertyDescriptor(globalThis, k));
`;
const after = `
// runtime.wasmWrite above reads \`fs\` by name: this binding keeps it working once the global is gone.
const fs = globalThis.fs;
const own = GLOBALS.map((k) => Object.getOwnPropertyDescriptor(globalThis, k));
function put(descs) {
  GLOBALS.forEach((k, i) => {
    if (descs[i]) Object.defineProperty(globalThis, k, descs[i]);
    else delete globalThis[k];
  });
}
put(prior);

/** The content version of the sync.wasm built with this file (first 16 hex digits of its SHA-256). */
export const WASM_VERSION = '${version}';

/** The bridge's fetch helper (made from wasm/fetch.js: edit that file). */
export function fetchHelper() {
${readFileSync(fetchJs, 'utf8')}}

/** The Go class of wasm_exec.js. */
export const Go = own[0].value;

/**
 * Runs fn (go.run) with the globals Go's runtime and syscall package read while they start
 * (fs, process, path: the stubs above where the host has none), then puts back what was there.
 */
export function withGoGlobals(fn) {
  const current = GLOBALS.map((k) => Object.getOwnPropertyDescriptor(globalThis, k));
  put(own.map((d, i) => (GLOBALS[i] === 'Go' ? current[i] : d)));
  try {
    return fn();
  } finally {
    put(current);
  }
}
`;
// STRING_REFS: Go's file gives every value it hands to Go one reference id per value, found in a
// Map (_ids), so that a value handed twice shares an id. A string key makes that lookup hash the
// whole string, once per string handed over: a put of a 5 KB record took 1.80 ms (median, paired
// runs) with it and 1.60 without (docs/DESIGN.md "Strings reach Go without a lookup"). Here a string gets a new id
// each time, as undefined or a number never needs one: nothing in Go compares two strings' ids
// (js.Value.Equal on strings is not used by this module), and each id is still freed by the
// finalizer of the one Go value holding it. A Go release that words these lines otherwise fails
// the build here instead of going out unpatched.
const STRING_REFS = [
  ['let id = this._ids.get(v);', 'const byValue = typeof v !== "string";\n\t\t\t\tlet id = byValue ? this._ids.get(v) : undefined;'],
  ['this._ids.set(v, id);', 'if (byValue) this._ids.set(v, id);'],
  ['this._ids.delete(v);', 'if (typeof v !== "string") this._ids.delete(v);'],
];
let body = readFileSync(src, 'utf8');
for (const [from, to] of STRING_REFS) {
  const parts = body.split(from);
  if (parts.length !== 2) throw new Error(`wasm-exec.mjs: ${src} does not hold this once (a new Go release?):\n${from}`);
  body = parts.join(to);
}
writeFileSync(out, before + body + after);
