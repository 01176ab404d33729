// The large record shape's part of BENCHMARKS.md: its verdicts against the same targets and
// its figures, from the second harness run of `make bench` (run.mjs, runBench with shape
// 'large' and LARGE_STEPS).
import { median } from './harness.mjs';
import { assess, timeTable } from './report.mjs';

// The rows of assess that a LARGE_STEPS run measures (the size series has one size only).
const MEASURED = ['initial pull', 'incremental pull', 'put, one by one', 'putMany', 'push of', 'wasm memory after'];

export function renderLargeSection(res) {
  const p = res.params;
  const sides = res.sides;
  const out = [`## Large records: nested, non-ASCII, ~5.5 KB (${res.shape} shape)`, '',
    'The same scenarios with `makeLargeRecord` of bench/page/records.js: the small record\'s fields with title and body mixing',
    'Latin, Greek, Cyrillic, Hebrew, Arabic, Devanagari, CJK, Thai and an emoji, plus an author object (nested address and geo),',
    '12 line items with nested attributes and 8 history entries: 5.1–5.6 KB of JSON each. Fewer and smaller runs than the',
    `small shape to keep \`make bench\` short: a pull of ${p.main.toLocaleString('en-US')} (${p.reps} repetitions), ${p.incremental.toLocaleString('en-US')} changed records (${p.incrementalReps}), ${p.writes.toLocaleString('en-US')} writes, a ${p.push.toLocaleString('en-US')}-op push; no size series, no no-op sync or open (they do not depend on the records).`,
    `Reproduce alone: \`node bench/run.mjs --only ${['pull', 'write', 'push'].join(',')} --shape ${res.shape}\`.`, ''];
  if (res.errors.length) out.push('**Harness checks that failed:**', '', ...res.errors.map((e) => `- ${e}`), '');
  out.push('| scenario | target | offsync | verdict |', '|---|---|---|---|');
  for (const a of assess(res, null).filter((row) => MEASURED.some((k) => row.scenario.includes(k)))) {
    out.push(`| ${a.scenario} | ${a.target} | ${a.value} | ${a.met == null ? 'not measured' : a.met ? '**met**' : '**missed**'} |`);
  }
  out.push('');
  for (const [key, title] of [['initialPull', `Initial pull of ${p.main.toLocaleString('en-US')}`], ['incrementalPull', `Incremental pull of ${p.incremental.toLocaleString('en-US')}`],
    ['putOne', `${p.writes.toLocaleString('en-US')} writes, each awaited`], ['putMany', `${p.writes.toLocaleString('en-US')} writes in batches of ${p.putManyBatch}`], ['push', `Push of a ${p.push.toLocaleString('en-US')}-op backlog`]]) {
    if (res.scenarios[key]) out.push(`### ${title} (large records)`, '', timeTable(res, key, sides), '');
  }
  const ops = (s) => median(res.scenarios.push?.extra[s]?.map((e) => e.opsPerSec));
  if (res.scenarios.push) out.push(`Push ops/s (median): ${sides.map((s) => `${s} ${ops(s)?.toLocaleString('en-US') ?? 'n/a'}`).join(', ')}.`, '');
  const digests = Object.entries(res.digests);
  if (digests.length) {
    out.push('Data checks (large records):', '', '| after | side | count | checksum |', '|---|---|---|---|');
    for (const [k, d] of digests) {
      const [after, side] = k.split('/');
      out.push(`| ${after} | ${side} | ${d.count.toLocaleString('en-US')} | \`${d.checksum}\` |`);
    }
    out.push('');
  }
  return out.join('\n');
}
