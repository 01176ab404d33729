// Types of offsync/react (JS-API.md "Seed parity additions and bindings"). React 18+.
import type { OffsyncClient, OffsyncRecord, Status } from './offsync.js';

/**
 * The kind's live records, or with a query its live rows (db.watch(kind, query, cb));
 * undefined until the first result, or while db is null (still opening). A query equal by
 * value to the previous render's keeps the same subscription.
 */
export function useQuery<T extends { id: string } = OffsyncRecord>(
  db: OffsyncClient | null | undefined, kind: string, query?: object): T[] | undefined;

/** One record, live; undefined while it is absent, deleted or not read yet. */
export function useRecord<T extends { id: string } = OffsyncRecord>(
  db: OffsyncClient | null | undefined, kind: string, id: string | null | undefined): T | undefined;

/** The latest 'status' event (db.status() until the first); undefined before either. */
export function useSyncStatus(db: OffsyncClient | null | undefined): Status | undefined;
