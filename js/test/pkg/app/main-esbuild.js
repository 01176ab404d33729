// The esbuild app: as main.js, with sync.wasm copied by esbuild's file loader (README "Bundlers").
import { open, OffsyncError } from 'offsync';
import wasmFile from 'offsync/sync.wasm';

const wasmUrl = new URL(wasmFile, import.meta.url);
window.offsync = { open: (options) => open({ ...options, wasmUrl }), OffsyncError };
window.ready = true;
