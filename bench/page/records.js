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

export function makeRecords(prefix, from, count, version = 0) {
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = makeRecord(prefix, from + i, version);
  return out;
}

// The fields a digest covers: the seeded business fields plus the server's version token.
// Each side may keep extra metadata of its own; those are ignored.
const DIGEST_FIELDS = ['id', 'title', 'body', 'n', 'done', 'tags', 'v', 'updatedAt'];

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
