// Writes js/wasm_exec.js (make wasm): Go's lib/wasm/wasm_exec.js as is, between lines that keep
// the globals it sets (Go, and stubs of fs, process and path) off the page. offsync.js puts them
// up only while the Go program starts, when Go's runtime and syscall package read them
// (docs/DESIGN.md "No globals"). It also exports WASM_VERSION, the content hash of the sync.wasm it
// goes with, which offsync.js puts in sync.wasm's URL (docs/DESIGN.md "sync.wasm's URL names its build"),
// and fetchHelper, the JavaScript half of the bridge's fetch Doer (wasm/fetch.js), which offsync.js
// hands to the bridge (no eval in the page).
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
writeFileSync(out, before + readFileSync(src, 'utf8') + after);
