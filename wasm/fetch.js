// The JavaScript half of the wasm build's fetch Doer (fetch_js_wasm.go): the body of a function
// that returns the helper. The bridge embeds this file and compiles it with Function when it is
// not given the helper (the bridge's tests); offsync.js imports it from ./wasm_exec.js (made by `make
// wasm`), so pages need no 'unsafe-eval' in their Content-Security-Policy.
//
// One request is one call and one answer back to Go: the status, the headers as one JSON text
// and the whole body, read here and refused at the size cap: in one step when a Content-Length
// gives its size and no Content-Encoding makes it bigger (same-origin answers), else as a stream
// (a compressed answer's Content-Length is the compressed size, and a chunked one has none). Reading
// chunk by chunk from Go woke the Go program for every chunk and once more for the body's end;
// and a body kept here stays out of sync.wasm's memory until Go copies it in (a page fetched
// ahead costs the wasm heap nothing while the page before it is applied).
const tooBig = (max) => new Error(`response body over ${max} bytes`);
async function readAll(res, max) {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    res.body?.cancel().catch(() => {});
    throw tooBig(max);
  }
  if (!res.body) return new Uint8Array(0);
  if (declared >= 0 && (res.type === 'basic' || res.type === 'default') && !res.headers.has('content-encoding')) {
    // The length is the body's (nothing decodes it bigger): read it in one step, which
    // answers sooner than a reader's chunk and end. Only where every header shows (same
    // origin, or a Response made in JavaScript): a cross-origin answer hides its
    // Content-Encoding unless exposed, and a compressed body may be far over its length.
    const buf = await res.arrayBuffer();
    if (buf.byteLength > max) throw tooBig(max); // a synthetic Response's header binds nothing
    return new Uint8Array(buf);
  }
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      reader.cancel().catch(() => {});
      throw tooBig(max);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
return {
  // fetch(url, initJSON, body, signal, max) → [status, headersJSON, bytes]. The global fetch is
  // looked up per call, so a fetch the app or its tests wrap later is the one used.
  async fetch(url, init, body, signal, max) {
    const o = JSON.parse(init);
    if (body !== undefined) o.body = body;
    o.signal = signal;
    // A write is never redirected: a browser re-sends a PUT or DELETE answered 303 as a GET,
    // whose 200 would read as the write's acknowledgement. Failing it keeps the op pending.
    if (o.method !== undefined && o.method !== 'GET' && o.method !== 'HEAD') o.redirect = 'error';
    const res = await globalThis.fetch(url, o);
    const headers = JSON.stringify(Object.fromEntries(res.headers));
    return [res.status, headers, await readAll(res, max)];
  },
};
