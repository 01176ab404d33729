// Deterministic record generator shared by the seeder (Node) and the page: every side of a
// scenario writes or pulls the very same bytes.

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india',
  'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa', 'quebec', 'romeo', 'sierra', 'tango'];

// A small LCG: fast, seedable, identical in Node and Chromium.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function words(next, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]);
  return out.join(' ');
}

// makeRecord returns record i of a series: ~190 B of JSON, ~250 B once the server adds
// updatedAt and deletedAt.
export function makeRecord(prefix, i, version = 0) {
  const next = rng(i * 7919 + version * 104729 + 17);
  return {
    id: `${prefix}-${String(i).padStart(7, '0')}`,
    title: words(next, 3),
    body: words(next, 12),
    n: Math.floor(next() * 1e6),
    done: next() < 0.5,
    tags: [WORDS[i % WORDS.length], WORDS[(i + version) % WORDS.length]],
    v: version,
  };
}

// The record shapes the bench runs (`node bench/run.mjs --shape large`): the targets must hold
// from ~100 B to ~10 KB records, flat and nested, ASCII and not.
export const SHAPES = ['small', 'large'];

// Words in other scripts (2- to 4-byte UTF-8, an astral emoji among them) for the large shape.
const INTL = ['Zürich', 'naïve', 'façade', 'smörgåsbord', 'Ελληνικά', 'Кириллица', 'עברית', 'العربية',
  'हिन्दी', '日本語', '中文', '한국어', 'ไทย', 'emoji 🚀', 'piñata', 'Straße', 'Ærø', 'Łódź', 'crème brûlée', 'ǅemal'];

function intl(next, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(next() < 0.5 ? INTL[Math.floor(next() * INTL.length)] : WORDS[Math.floor(next() * WORDS.length)]);
  return out.join(' ');
}

// makeLargeRecord returns record i of a large series: the small record's fields (title and body
// mixing scripts) plus nested objects and arrays of objects: 5.1–5.6 KB of JSON (~4.5 K
// characters).
export function makeLargeRecord(prefix, i, version = 0) {
  const next = rng(i * 7919 + version * 104729 + 23);
  const r = makeRecord(prefix, i, version);
  r.title = intl(next, 4);
  r.body = intl(next, 220);
  r.author = {
    name: intl(next, 2),
    email: `user${i}@example.com`,
    address: { street: intl(next, 3), city: INTL[i % INTL.length], zip: String(10000 + (i % 89999)), geo: { lat: next() * 180 - 90, lng: next() * 360 - 180 } },
  };
  r.items = Array.from({ length: 12 }, (_, k) => ({
    sku: `${prefix}-${i}-${k}`,
    name: intl(next, 3),
    qty: Math.floor(next() * 100),
    price: Math.round(next() * 1e6) / 100,
    attrs: { color: WORDS[k % WORDS.length], size: ['S', 'M', 'L', 'XL'][k % 4], fragile: next() < 0.3, notes: intl(next, 4) },
  }));
  r.history = Array.from({ length: 8 }, (_, k) => ({
    at: new Date(Date.UTC(2024, k, 1 + (i % 28), k, 0, 0)).toISOString(),
    by: intl(next, 1),
    note: intl(next, 6),
  }));
  return r;
}

export function makeRecords(prefix, from, count, version = 0, shape = 'small') {
  const make = shape === 'large' ? makeLargeRecord : makeRecord;
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = make(prefix, from + i, version);
  return out;
}

// The fields a digest covers: the seeded business fields (both shapes) plus the server's
// version token. Each side may keep extra metadata of its own; those are ignored.
const DIGEST_FIELDS = ['id', 'title', 'body', 'n', 'done', 'tags', 'v', 'author', 'items', 'history', 'updatedAt'];

// digest returns {count, checksum}: FNV-1a over the records sorted by id.
export function digest(records) {
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let h = 0x811c9dc5;
  for (const r of sorted) {
    const s = JSON.stringify(DIGEST_FIELDS.map((f) => r[f] ?? null));
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  }
  return { count: sorted.length, checksum: (h >>> 0).toString(16).padStart(8, '0') };
}
