// Type tests of offsync.d.ts with a schema (tsc --strict; run by js/test/pkg/types.test.js).
// Every @ts-expect-error line must be an error, or tsc fails on the unused directive.
import { open, OffsyncError } from '../../../offsync.js';
import type { OffsyncClient, OffsyncEvent, RecordOf, KindOf, Conflict } from '../../../offsync.js';

// Interfaces, not type literals: no index signature needed.
interface Todo { id: string; title: string; done: boolean; due?: string }
interface Note { id: string; text: string }
type Schema = { todo: Todo; note: Note };

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T>(_: T): void {}
function assertTrue<T extends true>(): void {}

export async function typed(): Promise<void> {
  const db = await open<Schema>({ name: 't', baseUrl: '/api', kinds: ['todo', 'note'] });
  // @ts-expect-error: 'event' is not a kind of the schema
  await open<Schema>({ name: 't', baseUrl: '/api', kinds: ['todo', 'event'] });
  // A schema whose record lacks id is refused.
  // @ts-expect-error: { title: string } has no id
  await open<{ todo: { title: string } }>({ name: 't', baseUrl: '/api', kinds: ['todo'] });

  const t = await db.get('todo', '1');
  assertTrue<Equal<typeof t, Todo | undefined>>();
  const notes = await db.list('note');
  assertTrue<Equal<typeof notes, Note[]>>();
  const stored = await db.put('todo', { id: '1', title: 'x', done: false });
  assertTrue<Equal<typeof stored, Todo>>();
  const many = await db.putMany('note', [{ id: 'n', text: 'hi' }]);
  assertTrue<Equal<typeof many, Note[]>>();
  db.watch('todo', (rows) => assertTrue<Equal<typeof rows, Todo[]>>());
  await db.delete('note', 'n');
  const op = await db.enqueue({ type: 'upsert', kind: 'note', id: 'n', payload: { id: 'n', text: 'x' } });
  assertTrue<Equal<typeof op.payload, Note | undefined>>();
  await db.sync({ kinds: ['todo'] });

  // @ts-expect-error: unknown kind
  await db.get('event', '1');
  // @ts-expect-error: unknown kind
  db.watch('event', () => {});
  // @ts-expect-error: a note is not a todo
  await db.put('todo', { id: '1', text: 'x' });
  // @ts-expect-error: records need an id
  await db.put('note', { text: 'x' });
  // @ts-expect-error: a Todo has no text
  (await db.list('todo'))[0].text;
  // @ts-expect-error: unknown kind in sync
  await db.sync({ kinds: ['event'] });
  // @ts-expect-error: unknown kind in enqueue
  await db.enqueue({ type: 'delete', kind: 'event', id: '1' });

  // Helper types for other APIs taking a kind's record type (query, hooks).
  assertTrue<Equal<KindOf<Schema>, 'todo' | 'note'>>();
  assertTrue<Equal<RecordOf<Schema, 'note'>, Note>>();
  const c: OffsyncClient<Schema> = db;
  expectType<OffsyncClient<Schema>>(c);

  // The events target knows each payload.
  db.events.addEventListener('progress', (e) => {
    assertTrue<Equal<typeof e, OffsyncEvent<{ phase: 'push' | 'pull'; kind?: string; done: number; total: number }>>>();
    expectType<number>(e.detail.done);
  });
  db.events.addEventListener('change', (e) => expectType<'local' | 'sync' | 'tab'>(e.detail.origin));
  // @ts-expect-error: a progress event has no ids
  db.events.addEventListener('progress', (e) => e.detail.ids);
  db.on('completed', (e) => expectType<number>(e.stats.pushed));

  // OffsyncError is a class: instanceof narrows.
  try {
    await db.sync();
  } catch (e) {
    if (e instanceof OffsyncError) {
      expectType<'network' | 'timeout' | 'auth' | 'conflict' | 'server' | 'protocol' | 'storage' | 'quota' | 'invalid' | 'cancelled' | 'closed'>(e.code);
      expectType<boolean>(e.retryable);
      // @ts-expect-error: no such code
      const bad: typeof e.code = 'nope';
      void bad;
    }
  }
  const err = new OffsyncError('invalid', 'x');
  expectType<Error>(err);

  // Typed merge and resolver callbacks.
  await open<Schema>({
    name: 'm', baseUrl: 'http://h/api', kinds: ['todo'],
    mergeFunction: (local, server) => ({ ...(server as Todo), ...(local as Todo) }),
    conflictResolver: (conflict: Conflict<Todo | Note>) => ({ action: 'merged', data: conflict.local ?? { id: conflict.entityId, text: '' } }),
    tableConflictConfigs: { todo: { strategy: 'clientWins' } },
  });
  await open<Schema>({
    name: 'm', baseUrl: 'http://h/api', kinds: ['todo'],
    // @ts-expect-error: not a kind
    tableConflictConfigs: { event: { strategy: 'clientWins' } },
  });
}
