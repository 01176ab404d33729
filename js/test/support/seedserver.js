// Starts bin/offsync-seedserver (internal/seedserver: a backend that answers as the seed
// library's guide and example backend do) on a free loopback port, and stops it. It keeps
// everything in memory and has no tenants: start one per test for isolation.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot } from './server.js';

const bin = process.env.OFFSYNC_SEEDSERVER_BIN || join(repoRoot, 'bin', 'offsync-seedserver');
const START_TIMEOUT_MS = 20_000;

/** startSeedServer({putAnswer}) resolves with {baseUrl, stop()}; putAnswer: record | empty | other. */
export async function startSeedServer({ putAnswer = 'record' } = {}) {
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-put-answer', putAnswer], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('seed server did not start: ' + log)), START_TIMEOUT_MS);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /offsync-seedserver listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`seed server exited (${code}): ${log}`));
    });
  });
  return {
    baseUrl,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = once(proc, 'exit');
        proc.kill('SIGTERM');
        await exited;
      }
    },
  };
}
