// Step timelines, for bench/noop-timeline.mjs and bench/incr-timeline.mjs (they run in the page):
// each call's events by kind and rank (the n-th fetch, the n-th commit…), and the median of
// each step's time across calls, offsync's beside raw's.

// noteSteps adds one call's events (cur: [kind, time] in order) to acc, a Map from step (the
// kind and its rank in the call) to its times after t0.
export function noteSteps(acc, cur, t0) {
  const seen = new Map();
  for (const [k, t] of cur) {
    const c = (seen.get(k) ?? 0) + 1;
    seen.set(k, c);
    const key = `${k}${c}`;
    const a = acc.get(key) ?? [];
    a.push(t - t0);
    acc.set(key, a);
  }
}

export const median = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[s.length >> 1]; };

// stepLines is a line per step of either side, in the order the steps come (the earlier
// side's median), with both sides' medians (NaN: the side has no such step).
export function stepLines(off, raw, width) {
  const at = (m, k) => (m.has(k) ? median(m.get(k)) : NaN);
  const or = (x) => (Number.isNaN(x) ? Infinity : x);
  const first = (k) => Math.min(or(at(off, k)), or(at(raw, k)));
  const keys = [...new Set([...off.keys(), ...raw.keys()])].sort((x, y) => first(x) - first(y));
  return keys.map((k) => `${k.padEnd(width)} off ${at(off, k).toFixed(2).padStart(7)}  raw ${at(raw, k).toFixed(2).padStart(7)}`);
}
