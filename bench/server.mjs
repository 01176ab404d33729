// Starts the reference server on 127.0.0.1:0 with a throw-away SQLite database (or db, a
// postgres:// URL of an empty database) and waits for its "listening on" line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function startServer({ bin, staticDir, db, timeoutMs = 20000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'offsync-bench-'));
  const args = ['-addr', '127.0.0.1:0', '-db', db ?? join(dir, 'bench.db'), '-dev', '-static', staticDir, '-prefix', '/api'];
  const proc = spawn(bin, args, { stdio: ['ignore', 'inherit', 'pipe'] });
  let log = '';
  const origin = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} did not start in ${timeoutMs} ms:\n${log}`)), timeoutMs);
    proc.on('error', (err) => { clearTimeout(timer); reject(err); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${bin} exited (${code}):\n${log}`)); });
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  proc.removeAllListeners('exit');
  return {
    origin,
    baseUrl: `${origin}/api`,
    async stop() {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
