// js/wasm_exec.js's one change inside Go's file (js/scripts/wasm-exec.mjs, STRING_REFS): a string
// handed to Go gets a reference id of its own each time, not one found by value, and each id is
// freed by its own finalizeRef. Objects keep Go's sharing. Driven through Go's own imports
// (valueGet, finalizeRef) on a tiny stand-in module, so no sync.wasm is loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Go } from '../wasm_exec.js';

// The least module Go.run accepts: memory, run(argc, argv) and resume() doing nothing, and getsp()
// answering SP, where the test lays out each call's arguments as Go would.
const SP = 1024;
const MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x0d, 0x03, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00, // types
  0x03, 0x04, 0x03, 0x00, 0x01, 0x02, // run, getsp, resume
  0x05, 0x03, 0x01, 0x00, 0x01, // one page of memory
  0x07, 0x1e, 0x04, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00,
  0x05, 0x67, 0x65, 0x74, 0x73, 0x70, 0x00, 0x01, 0x06, 0x72, 0x65, 0x73, 0x75, 0x6d, 0x65, 0x00, 0x02,
  0x0a, 0x0d, 0x03, 0x02, 0x00, 0x0b, 0x05, 0x00, 0x41, 0x80, 0x08, 0x0b, 0x02, 0x00, 0x0b, // getsp: i32.const 1024
]);

async function started() {
  const go = new Go();
  const { instance } = await WebAssembly.instantiate(MODULE, go.importObject);
  go.run(instance); // never settles: the stand-in never exits
  const js = go.importObject.gojs;
  const name = new TextEncoder().encode('offsyncWasmExecTest');
  new Uint8Array(instance.exports.mem.buffer).set(name, 2048);
  // get reads globalThis[name] as valueGet(v ref, p string) ref does: v at sp+8 (globalThis is
  // id 5, NaN-boxed), p at sp+16 (address, length), the result's id at sp+32.
  const get = () => {
    go.mem.setUint32(SP + 8, 5, true);
    go.mem.setUint32(SP + 12, 0x7ff80000, true);
    go.mem.setBigInt64(SP + 16, 2048n, true);
    go.mem.setBigInt64(SP + 24, BigInt(name.length), true);
    js['syscall/js.valueGet'](SP);
    return go.mem.getUint32(SP + 32, true);
  };
  const finalize = (id) => {
    go.mem.setUint32(SP + 8, id, true);
    js['syscall/js.finalizeRef'](SP);
  };
  return { go, get, finalize };
}

test('a string handed to Go twice gets two ids, each freed by its own finalizer', async (t) => {
  t.after(() => { delete globalThis.offsyncWasmExecTest; });
  const { go, get, finalize } = await started();
  const text = JSON.stringify({ id: 'r1', body: 'é'.repeat(5000) });
  globalThis.offsyncWasmExecTest = text;
  const a = get(), b = get();
  assert.notEqual(a, b);
  assert.equal(go._values[a], text);
  assert.equal(go._values[b], text);
  assert.equal(go._ids.has(text), false, 'strings are not kept in the lookup');
  finalize(a);
  assert.equal(go._values[a], null);
  assert.equal(go._values[b], text, 'freeing one id leaves the other');
  finalize(b);
  assert.equal(go._values[b], null);
  assert.deepEqual([...go._idPool].sort(), [a, b].sort());
  assert.equal(get(), b, 'a freed id is used again');
});

test('an object handed to Go twice still shares one id, freed after both finalizers', async (t) => {
  t.after(() => { delete globalThis.offsyncWasmExecTest; });
  const { go, get, finalize } = await started();
  const obj = { kind: 'k' };
  globalThis.offsyncWasmExecTest = obj;
  const a = get(), b = get();
  assert.equal(a, b);
  assert.equal(go._ids.get(obj), a);
  finalize(a);
  assert.equal(go._values[a], obj, 'one of two references is gone');
  finalize(b);
  assert.equal(go._values[a], null);
  assert.equal(go._ids.has(obj), false);
});
