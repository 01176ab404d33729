// Type tests of the query API (query, count, watch with a query, the indexes option), with a
// schema and without one. Run with typed.ts and untyped.ts by types.test.js.
import { open } from '../../../offsync.js';
import type { Query } from '../../../offsync.js';

interface Feeling { id: string; date: string; mood: number; meta?: { tag: string } }
type Schema = { daily_feeling: Feeling; note: { id: string; text: string } };

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function assertTrue<T extends true>(): void {}

export async function queries(): Promise<void> {
  const db = await open<Schema>({
    name: 'q', baseUrl: '/api', kinds: ['daily_feeling', 'note'],
    indexes: { daily_feeling: ['date', 'meta.tag', ['mood', 'date']] },
  });
  const rows = await db.query('daily_feeling', {
    where: { mood: { gte: 4 }, date: { gte: '2026-11-01', lt: '2026-12-01' }, 'meta.tag': 'x' },
    orderBy: [['date', 'desc']], limit: 50, offset: 0,
  });
  assertTrue<Equal<typeof rows, Feeling[]>>();
  const n = await db.count('daily_feeling', { where: { mood: { in: [4, 5] } } });
  assertTrue<Equal<typeof n, number>>();
  const stop = db.watch('daily_feeling', { where: { mood: 5 }, orderBy: 'date', limit: 20 }, (r) => assertTrue<Equal<typeof r, Feeling[]>>());
  stop();
  await db.query('note');
  const q: Query<Feeling> = { orderBy: ['date', ['mood', 'desc']] };
  await db.query('daily_feeling', q);

  // @ts-expect-error: unknown kind
  await db.query('event', {});
  // @ts-expect-error: in takes an array
  await db.query('daily_feeling', { where: { mood: { in: 5 } } });
  // @ts-expect-error: values are scalars
  await db.query('daily_feeling', { where: { mood: { eq: [5] } } });
  // @ts-expect-error: a direction is 'asc' or 'desc'
  await db.query('daily_feeling', { orderBy: [['date', 'down']] });
  // @ts-expect-error: startsWith takes a string
  db.watch('daily_feeling', { where: { date: { startsWith: 2026 } } }, () => {});
  await open<Schema>({
    name: 'q', baseUrl: '/api', kinds: ['note'],
    // @ts-expect-error: indexes of a kind not in the schema
    indexes: { event: ['date'] },
  });

  // Without a schema: records are OffsyncRecord.
  const plain = await open({ name: 'p', baseUrl: '/api', kinds: ['note'], indexes: { note: ['title'] } });
  const notes = await plain.query('note', { where: { title: { startsWith: 'a' } } });
  notes[0]?.id.toUpperCase();
}
