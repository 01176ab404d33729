// Types of offsync/background (DESIGN.md "Push after the tab is closed"): used in a module
// service worker.
import type { OpenOptions } from './offsync.js';

/** The Background Sync tag of a database: 'offsync:' + name. */
export function backgroundSyncTag(name: string): string;

/** The parts of a Background Sync 'sync' event this module uses (SyncEvent). */
export interface BackgroundSyncEvent {
  readonly tag: string;
  readonly lastChance?: boolean;
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * Answers a 'sync' event of a database opened with { backgroundSync: true }: false when the
 * tag is not one (or, with an options object, not that database's), else true after
 * event.waitUntil(push of the outbox). options: open()'s, or a function of the tag's database
 * name returning them (or a Promise of them, or null to leave that database alone).
 */
export function handleBackgroundSync(
  event: BackgroundSyncEvent,
  options: OpenOptions | ((name: string) => OpenOptions | null | undefined | Promise<OpenOptions | null | undefined>),
): boolean;
