// Starts the real reference server (bin/offsync-server) on a free loopback port for one test
// file, and stops it. -dev makes every bearer token its own tenant, so each test isolates
// itself with a fresh token.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// OFFSYNC_SERVER_BIN points at another build of the server (e.g. one under test elsewhere).
const serverBin = process.env.OFFSYNC_SERVER_BIN || join(repoRoot, 'bin', 'offsync-server');
const START_TIMEOUT_MS = 20_000;

/**
 * startServer({addr, dir, staticDir}) spawns the server and resolves when it prints its URL.
 * dir keeps the database (pass the previous one to restart on the same data).
 */
export async function startServer({ addr = '127.0.0.1:0', dir, staticDir } = {}) {
  const dbDir = dir ?? (await mkdtemp(join(tmpdir(), 'offsync-js-')));
  const args = ['-addr', addr, '-db', join(dbDir, 'offsync.db'), '-dev'];
  if (staticDir) args.push('-static', staticDir, '-prefix', '/api');
  const { url, stop } = await spawnListening(serverBin, args, 'offsync-server');
  const origin = new URL(url).origin;
  return {
    origin,
    baseUrl: staticDir ? origin + '/api' : origin,
    addr: new URL(url).host,
    dir: dbDir,
    /** Stops the process; keepData leaves the database for a restart. */
    async stop({ keepData = false } = {}) {
      await stop();
      if (!keepData && !dir) await rm(dbDir, { recursive: true, force: true });
    },
  };
}

/**
 * spawnListening(bin, args, name) spawns bin and resolves, once it prints "name listening on
 * URL" on stderr, with {url, stop()}: stop ends the process (SIGTERM) and waits for its exit.
 */
export async function spawnListening(bin, args, name) {
  const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${log}`)), START_TIMEOUT_MS);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = new RegExp(`${name} listening on (http://\\S+)`).exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${log}`));
    });
  });
  return {
    url,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit');
        proc.kill('SIGTERM');
        await exited;
      }
    },
  };
}

let seq = 0;

/** A unique name for a database or a tenant token within this process. */
export function unique(prefix) {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}

/** Resolves with the first event of type (detail) that matches pred, or rejects after ms. */
export function nextEvent(db, type, pred = () => true, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { off(); reject(new Error(`no ${type} event within ${ms} ms`)); }, ms);
    const off = db.on(type, (e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Polls fn until it returns a truthy value, or throws after ms. */
export async function eventually(fn, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
