// Starts bin/offsync-seedserver (internal/seedserver: a backend that answers as the seed
// library's guide and example backend do) on a free loopback port, and stops it. It keeps
// everything in memory and has no tenants: start one per test for isolation.
import { join } from 'node:path';
import { repoRoot, spawnListening } from './server.js';

const bin = process.env.OFFSYNC_SEEDSERVER_BIN || join(repoRoot, 'bin', 'offsync-seedserver');

/** startSeedServer({putAnswer}) resolves with {baseUrl, stop()}; putAnswer: record | empty | other. */
export async function startSeedServer({ putAnswer = 'record' } = {}) {
  const { url, stop } = await spawnListening(bin, ['-addr', '127.0.0.1:0', '-put-answer', putAnswer], 'offsync-seedserver');
  return { baseUrl: url, stop };
}
