// The cached open() scenario: a returning user's browser. Chromium keeps compiled code (V8's
// code cache for scripts and wasm modules) only for a profile on disk, never for an in-memory
// (incognito) context like the harness's, so this scenario has a browser of its own on a
// throw-away profile directory. `startVisit` is the user's earlier visit: it opens and syncs
// every side's database, then stays open while the harness runs its other scenarios (a session
// of some minutes). It loads sync.wasm first with preload() and stays idle 3 s before opening,
// as an app that preloads at start does: Chromium 156 then writes sync.wasm's compiled code at
// once, where after an open() right away it may take many minutes of session (docs/DESIGN.md
// "sync.wasm's URL names its build"). `visit.timeOpens` ends the visit, notes whether the
// compiled code is in the browser's code cache, then each repetition loads a fresh page and
// times loading the side's code and opening that database.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// wasmCodeCached reports whether the profile holds a compiled wasm module (Chromium's code
// cache entry for it: a file of some KB under Code Cache/wasm; its index files are smaller).
function wasmCodeCached(profile) {
  const dir = join(profile, 'Default', 'Code Cache', 'wasm');
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((f) => /_0$/.test(f) && statSync(join(dir, f)).size > 8192);
}

export async function startVisit({ executablePath, args, origin, cfg, sides, kinds }) {
  const profile = mkdtempSync(join(tmpdir(), 'offsync-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args });
  const load = async (page) => {
    await page.goto(`${origin}/bench/page/index.html`);
    await page.waitForFunction(() => window.bench);
    await page.evaluate((c) => window.bench.init(c), cfg);
    return (f, ...a) => page.evaluate(([f, a]) => window.bench[f](...a), [f, a]);
  };
  let visit = await context.newPage();
  try {
    const call = await load(visit);
    if (sides.includes('offsync')) {
      await visit.evaluate(async (c) => {
        const m = await import(c.offsyncUrl);
        await m.preload(c.wasmUrl ? { wasmUrl: new URL(c.wasmUrl, location.href) } : {});
      }, cfg);
      await new Promise((r) => setTimeout(r, 3000));
    }
    for (const side of sides) {
      await call('open', side, `${side}-back`, kinds);
      await call('sync', side, `${side}-back`, kinds);
      await call('close', side, `${side}-back`);
    }
  } catch (e) {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    // timeOpens records `open` per side and repetition. It reports whether sync.wasm's compiled
    // code was in the browser's cache.
    async timeOpens({ reps, record, rotate, log }) {
      try {
        const cached = wasmCodeCached(profile);
        log?.(`returning open: sync.wasm's compiled code ${cached ? 'is' : 'is not'} in the browser's cache`);
        await visit.close();
        visit = null;
        for (let r = 0; r < reps; r++) {
          for (const side of rotate(sides, r)) {
            const page = await context.newPage();
            try {
              const call = await load(page);
              const { ms } = await call('openTimed', side, `${side}-back`, kinds);
              record('open', side, ms, side === 'offsync' ? { wasmCodeCached: cached } : undefined);
              await call('close', side, `${side}-back`);
            } finally {
              await page.close();
            }
          }
        }
        return cached;
      } finally {
        await this.end();
      }
    },
    async end() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
