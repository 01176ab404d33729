// Type test of offsync/react and offsync/background (react-types.test.js runs tsc --strict on
// it): what must compile does, and each @ts-expect-error line must fail to.
import { open } from '../../offsync.js';
import { useQuery, useRecord, useSyncStatus } from '../../react.js';
import { backgroundSyncTag, handleBackgroundSync } from '../../background.js';

interface Todo { id: string; title: string; done: boolean }

export async function hooks(): Promise<unknown[]> {
  const db = await open({ name: 'todos', baseUrl: 'https://example.com/api', kinds: ['todo'], backgroundSync: true });
  const all: Todo[] | undefined = useQuery<Todo>(db, 'todo');
  const some: Todo[] | undefined = useQuery<Todo>(db, 'todo', { where: { done: false }, orderBy: 'title' });
  const none = useQuery(null, 'todo'); // still opening
  const one: Todo | undefined = useRecord<Todo>(db, 'todo', 'a');
  const pending: number | undefined = useSyncStatus(db)?.pending;
  // @ts-expect-error a query is an object
  useQuery(db, 'todo', 5);
  // @ts-expect-error the rows may not be there yet
  const rows: Todo[] = useQuery<Todo>(db, 'todo');
  // @ts-expect-error a record is keyed by a string id
  useRecord(db, 'todo', 7);
  // @ts-expect-error records have a string id
  useQuery<{ title: string }>(db, 'todo');
  return [all, some, none, one, pending, rows];
}

export function worker(event: { tag: string; waitUntil(p: Promise<unknown>): void }): boolean[] {
  const options = { name: 'todos', baseUrl: 'https://example.com/api', kinds: ['todo'] };
  const tag: string = backgroundSyncTag('todos');
  return [
    tag === event.tag,
    handleBackgroundSync(event, options),
    handleBackgroundSync(event, async (name) => (name === 'todos' ? options : null)),
    // @ts-expect-error options name the database
    handleBackgroundSync(event, { baseUrl: 'https://example.com/api', kinds: ['todo'] }),
  ];
}
