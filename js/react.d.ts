// Types of offsync/react (JS-API.md "Seed parity additions and bindings"). React 18+.
import type { OffsyncRecord, Status } from './offsync.js';

/**
 * What the hooks use of a database: any open() result, whatever its schema. Row types come
 * from the hooks' type argument (useQuery<Todo>(db, 'todo')).
 */
export interface HookDatabase {
  watch(...args: any[]): () => void;
  get(kind: any, id: string): Promise<unknown>;
  on(type: any, callback: (detail: any) => void): () => void;
  status(): Promise<Status>;
}

/**
 * The kind's live records, or with a query its live rows (db.watch(kind, query, cb));
 * undefined until the first result, or while db is null (still opening). A query equal by
 * value to the previous render's keeps the same subscription.
 */
export function useQuery<T extends { id: string } = OffsyncRecord>(
  db: HookDatabase | null | undefined, kind: string, query?: object): T[] | undefined;

/** One record, live; undefined while it is absent, deleted or not read yet. */
export function useRecord<T extends { id: string } = OffsyncRecord>(
  db: HookDatabase | null | undefined, kind: string, id: string | null | undefined): T | undefined;

/** The latest 'status' event (db.status() until the first); undefined before either. */
export function useSyncStatus(db: HookDatabase | null | undefined): Status | undefined;
