// offsync.d.ts under `tsc --strict`: typed.ts (a schema of interfaces) and untyped.ts. Their
// @ts-expect-error lines are the refused cases: tsc fails when one of them type-checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../support/server.js';

test('offsync.d.ts type-checks under tsc --strict, and refuses what it should', async () => {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  const r = await promisify(execFile)(tsc, ['-p', join(repoRoot, 'js/test/pkg/types')], { cwd: repoRoot, timeout: 120_000 })
    .then(() => ({ code: 0, out: '' }), (e) => ({ code: e.code, out: e.stdout + e.stderr }));
  assert.equal(r.code, 0, r.out);
});
