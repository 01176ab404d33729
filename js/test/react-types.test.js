// The types of offsync/react and offsync/background under tsc --strict (types-react/hooks.ts),
// with TypeScript from npm; no @types/react is needed, as the hooks' types name none of React's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './support/server.js';

test('the React and background types compile under tsc --strict, and misuse does not', async () => {
  const tsc = join(repoRoot, 'node_modules/.bin/tsc');
  const args = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler',
    '--lib', 'es2022,dom', join(repoRoot, 'js/test/types-react/hooks.ts')];
  let errors = '';
  try {
    await promisify(execFile)(tsc, args, { cwd: repoRoot, timeout: 120_000 });
  } catch (e) {
    errors = e.stdout || e.message; // tsc prints its errors on stdout; anything else failed to run it
  }
  assert.equal(errors, '', 'no type errors (an unused @ts-expect-error is one)');
});
