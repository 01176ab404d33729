// Seeds and changes data through the server's API (POST /batch), as any client would.
import { randomUUID } from 'node:crypto';
import { makeRecords } from './page/records.js';

const BATCH = 500; // CONTRACT.md's maximum ops per /batch

async function postBatch(baseUrl, token, ops) {
  const res = await fetch(`${baseUrl}/batch`, {
    method: 'POST',
    headers: { Authorization: token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ops }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST /batch: ${res.status} ${text.slice(0, 300)}`);
  const bad = JSON.parse(text).results.filter((r) => r.statusCode >= 300);
  if (bad.length) throw new Error(`POST /batch: ${bad.length} ops failed, first: ${JSON.stringify(bad[0]).slice(0, 300)}`);
}

// writeRecords upserts records i ∈ indexes of the series `kind` (of the given shape, see
// page/records.js, or make(i)'s) at the given version, forced, two batches in flight at a time.
export async function writeRecords({ baseUrl, token, kind, indexes, version = 0, shape = 'small', make = null }) {
  const batches = [];
  for (let i = 0; i < indexes.length; i += BATCH) batches.push(indexes.slice(i, i + BATCH));
  const worker = async () => {
    for (let b = batches.shift(); b; b = batches.shift()) {
      await postBatch(baseUrl, token, b.map((i) => {
        const payload = make ? make(i) : makeRecords(kind, i, 1, version, shape)[0];
        return { opId: randomUUID(), kind, id: payload.id, type: 'upsert', payload, force: true };
      }));
    }
  };
  await Promise.all([worker(), worker()]);
}

export function range(n) {
  return Array.from({ length: n }, (_, i) => i);
}

// spread picks n indexes evenly spread over 0..total-1, shifted by offset.
export function spread(n, total, offset) {
  const step = total / n;
  return Array.from({ length: n }, (_, i) => (Math.floor(i * step) + offset) % total);
}
