// The cached open() scenario (`returningOpen`): a returning user's browser. Chromium keeps
// compiled code (V8's code cache for scripts and wasm modules) only for a profile on disk, never
// for an in-memory (incognito) context like the harness's, so this scenario runs in a browser of
// its own on a throw-away profile directory: one visit opens and syncs every side's database
// and stays a moment (V8 writes its code cache once the page's code has run), then every
// repetition loads a fresh page and times loading the side's code and opening that database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// VISIT_MS: how long the first visit stays after its sync, as a user's would.
const VISIT_MS = 3000;

export async function returningOpen({ executablePath, args, origin, cfg, reps, sides, kinds, record, rotate }) {
  const profile = mkdtempSync(join(tmpdir(), 'offsync-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args });
  try {
    const visit = async (fn) => {
      const page = await context.newPage();
      try {
        await page.goto(`${origin}/bench/page/index.html`);
        await page.waitForFunction(() => window.bench);
        await page.evaluate((c) => window.bench.init(c), cfg);
        return await fn((f, ...a) => page.evaluate(([f, a]) => window.bench[f](...a), [f, a]));
      } finally {
        await page.close();
      }
    };
    await visit(async (call) => {
      for (const side of sides) {
        await call('open', side, `${side}-back`, kinds);
        await call('sync', side, `${side}-back`, kinds);
      }
      await new Promise((r) => setTimeout(r, VISIT_MS));
      for (const side of sides) await call('close', side, `${side}-back`);
    });
    for (let r = 0; r < reps; r++) {
      for (const side of rotate(sides, r)) {
        await visit(async (call) => {
          const { ms } = await call('openTimed', side, `${side}-back`, kinds);
          record('open', side, ms);
          await call('close', side, `${side}-back`);
        });
      }
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
