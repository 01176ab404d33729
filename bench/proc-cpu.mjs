// CPU time by process kind, read from /proc (Linux, 100 ticks a second): the reference server,
// and Chromium's processes by their --type (no type: the browser process, where IndexedDB's
// backend runs; the renderer runs the page; a utility process by its sub-type, e.g. the network
// service). Sampled before and after a step, the difference is what each spent on it.
import { readdirSync, readFileSync } from 'node:fs';

export function cpuByProcess() {
  const out = {};
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    let cmd, stat;
    try {
      cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    let k;
    if (cmd.includes('offsync-server')) k = 'server';
    else if (cmd.includes('chrom')) {
      const type = cmd.match(/--type=([a-z-]+)/)?.[1];
      k = type === 'utility' ? cmd.match(/--utility-sub-type=([\w.]+)/)?.[1] ?? 'utility' : type ?? 'browser';
    } else continue;
    // utime and stime, the 14th and 15th fields (after the command's parenthesised name).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out[k] = (out[k] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
  }
  return out;
}

// cpuSince is each process kind's CPU ms since the sample before (cpuByProcess), rounded.
export function cpuSince(before) {
  const now = cpuByProcess();
  return Object.fromEntries(Object.keys(now).map((k) => [k, Math.round(now[k] - (before[k] ?? 0))]).filter(([, v]) => v > 0));
}
