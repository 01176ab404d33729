// Type tests of offsync.d.ts without a schema: any kind, records with any JSON fields.
import { open } from '../../../offsync.js';
import type { OffsyncRecord, OffsyncClient } from '../../../offsync.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertTrue<T extends true>(): void {}

export async function untyped(): Promise<void> {
  const db = await open({ name: 'u', baseUrl: 'http://127.0.0.1:8080/api', kinds: ['note', 'task'] });
  assertTrue<Equal<typeof db, OffsyncClient>>();
  const r = await db.get('anything', '1');
  assertTrue<Equal<typeof r, OffsyncRecord | undefined>>();
  const v: unknown = r?.whatever;
  void v;
  await db.put('note', { id: 'a', n: 1, nested: { x: [1, 2] } });
  // @ts-expect-error: records need an id
  await db.put('note', { n: 1 });
  // @ts-expect-error: the id is a string
  await db.put('note', { id: 1 });
  // @ts-expect-error: kinds are strings
  await open({ name: 'u', baseUrl: 'http://h/api', kinds: [1] });
  // @ts-expect-error: unknown event type
  db.on('nope', () => {});
}
