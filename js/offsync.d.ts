// Types of the offsync JavaScript API (JS-API.md). Records are plain JSON objects with a
// string `id`; the server owns `updatedAt` and `deletedAt`.

/**
 * What every record is: an object with a string `id`. App types, interfaces included, need no
 * index signature to satisfy it. Values must be JSON (a Date is stored as its ISO string).
 * An id is 1–256 bytes of UTF-8 without NUL, not '.' or '..', and Unicode text (no lone
 * surrogate); an op's opId is 1–256 characters of printable ASCII. Others are 'invalid'.
 */
export interface BaseRecord {
  id: string;
}

/** A record of a client opened without a schema: any JSON fields. */
export interface OffsyncRecord {
  id: string;
  updatedAt?: string;
  deletedAt?: string | null;
  [field: string]: unknown;
}

/** Error categories (`err.code`). */
export type ErrorCode =
  | 'network' | 'timeout' | 'auth' | 'conflict' | 'server' | 'protocol'
  | 'storage' | 'quota' | 'invalid' | 'cancelled' | 'closed';

/**
 * A map from kind name to record type, e.g. `{ todo: Todo; note: Note }`. With one,
 * `open<Schema>()` makes kinds a union and every method typed per kind.
 */
export type Schema<S> = { [K in keyof S]: BaseRecord };
/** The schema of a client opened without one: any kind, untyped records. */
export type UntypedSchema = Record<string, OffsyncRecord>;
/** A schema's kind names. */
export type KindOf<S> = Extract<keyof S, string>;
/** The record type of kind K in schema S (what get/list/query/watch return). */
export type RecordOf<S, K extends KindOf<S> = KindOf<S>> = S[K];

/** Every rejection of this API is an OffsyncError (a class: `err instanceof OffsyncError`). */
export class OffsyncError extends Error {
  constructor(code: ErrorCode, message: string, retryable?: boolean);
  name: 'OffsyncError';
  code: ErrorCode;
  /** Trying the same thing again later may succeed. */
  retryable: boolean;
  /** On a failed sync()/fullResync(): what the run did before it failed. */
  stats?: SyncStats;
}

export type ConflictStrategy =
  | 'autoPreserve' | 'serverWins' | 'clientWins' | 'lastWriteWins' | 'merge' | 'manual';

/** A conflict between a local op and the server's record. */
export interface Conflict<T extends BaseRecord = OffsyncRecord> {
  /** Stable id (the op's id); pass it to resolveConflict. */
  id: string;
  kind: string;
  entityId: string;
  opId: string;
  /** Local data; null for a local delete. */
  local: T | null;
  /** Server record; null when the server has none. */
  server: T | null;
  serverDeleted?: boolean;
  localDeleted?: boolean;
  /** Fields the local edit changed; null means all. */
  changedFields: string[] | null;
  serverUpdatedAt?: string;
  baseUpdatedAt?: string;
  /** Device time (Unix ms) the conflict was found. */
  detectedAt: number;
}

export type Resolution<T extends BaseRecord = OffsyncRecord> =
  | { action: 'acceptServer' }
  | { action: 'acceptClient' }
  | { action: 'merged'; data: T }
  | { action: 'defer' }
  | { action: 'discard' };

/** One kind's conflict configuration (the seed's TableConflictConfig). */
export interface TableConflictConfig {
  /** The kind's strategy [conflictStrategy]. */
  strategy?: ConflictStrategy;
  /** For 'merge' on this kind; comes before the top-level mergeFunction. */
  mergeFunction?: OpenOptions['mergeFunction'];
  /** For 'manual' on this kind; comes before the top-level conflictResolver. */
  conflictResolver?: OpenOptions['conflictResolver'];
}

// ---- Queries (JS-API.md "Queries and live queries") ----

/** A value a condition compares with. A missing field equals null. */
export type QueryValue = string | number | boolean | null;

/**
 * One field's condition: a bare value means `eq`; several operators are ANDed. `eq`/`in` match
 * equal values of the same type; `ne` matches everything `eq` does not; range operators and
 * `startsWith` match only values of the operand's own type.
 */
export type Condition =
  | QueryValue
  | {
      eq?: QueryValue; ne?: QueryValue;
      gt?: QueryValue; gte?: QueryValue; lt?: QueryValue; lte?: QueryValue;
      in?: QueryValue[];
      startsWith?: string;
    };

/** Field names of T (dotted paths such as 'meta.tag' are accepted too). */
export type QueryField<T> = (Extract<keyof T, string>) | (string & {});

/** 'date' | ['date', 'desc'] | a list of those. */
export type OrderBy<T = OffsyncRecord> =
  | QueryField<T>
  | [QueryField<T>, 'asc' | 'desc']
  | Array<QueryField<T> | [QueryField<T>, 'asc' | 'desc']>;

/**
 * A query. Order: null (and missing) < false < true < numbers < strings (UTF-16 code units) <
 * arrays and objects (equal among themselves); ties, and queries without orderBy, by id
 * ascending. Deleted records never appear. A malformed query rejects with code 'invalid'.
 */
export interface Query<T = OffsyncRecord> {
  /** Field conditions, ANDed. */
  where?: { [field: string]: Condition };
  orderBy?: OrderBy<T>;
  /** At most this many rows. */
  limit?: number;
  /** Skips this many rows of the ordered result. */
  offset?: number;
}

/** Indexes of each kind: a field name (dotted paths allowed) or a list of fields (compound). */
export type Indexes<K extends string = string> = Partial<Record<K, Array<string | string[]>>>;

export interface OpenOptions<S extends Schema<S> = UntypedSchema> {
  /** Local database name (the IndexedDB database name). */
  name: string;
  /**
   * REST server root, e.g. 'http://127.0.0.1:8080/api' (CONTRACT.md). A relative URL ('/api')
   * is resolved against the page's or worker's location; Node needs an absolute one. One with a
   * query or fragment is 'invalid' (request paths are appended to it).
   */
  baseUrl: string | URL;
  /** Entity kinds this database syncs. Any other kind is rejected with code 'invalid'. */
  kinds: KindOf<S>[];
  /**
   * Authorization provider, called before every request but /health (sync or async).
   * A bare token is sent as "Bearer <token>"; "Bearer abc" is sent as is; '' or null sends none.
   * A throw or rejection, or a token that is no HTTP header value (CR, LF, NUL, a character
   * past U+00FF), fails the sync with code 'auth'.
   */
  token?: () => string | null | undefined | Promise<string | null | undefined>;
  /** 'indexeddb' (default where indexedDB exists) or 'memory' (default elsewhere, e.g. Node). */
  storage?: 'indexeddb' | 'memory';
  /**
   * How put, putMany, delete and enqueue commit with IndexedDB storage ['strict']. 'strict':
   * their promise resolves once the write is flushed to disk, so it survives a crash or power
   * loss. 'relaxed' (the browser's default for other writes): a few ms less per write, but the
   * last writes may be lost on power loss even though their promises resolved. Ignored by
   * memory storage.
   */
  durability?: 'strict' | 'relaxed';
  /** Default strategy [autoPreserve]. */
  conflictStrategy?: ConflictStrategy;
  /** Per-kind strategy, mergeFunction and conflictResolver. Unknown kinds are 'invalid'. */
  tableConflictConfigs?: Partial<Record<KindOf<S>, TableConflictConfig>>;
  /**
   * For 'merge': the record to push over the server's. Sync or async. A throw or rejection, or
   * a record that is not JSON (as put refuses), defers the conflict (it stays in conflicts() and
   * the outbox) and emits an 'error' event.
   * Without one (here or per kind), 'merge' uses the seed's default merge (merges.shallow).
   */
  mergeFunction?: (local: RecordOf<S> | null, server: RecordOf<S> | null, conflict: Conflict<RecordOf<S>>) =>
    RecordOf<S> | Promise<RecordOf<S>>;
  /**
   * For 'manual': decides each conflict. Sync or async. Without it, manual conflicts are
   * deferred. A throw or rejection, or a resolution that is not JSON (as put refuses), defers the
   * conflict and emits an 'error' event.
   */
  conflictResolver?: (conflict: Conflict<RecordOf<S>>) => Resolution<RecordOf<S>> | Promise<Resolution<RecordOf<S>>>;
  /** Where sync.wasm is [new URL('./sync.wasm', import.meta.url)]; file: URLs work under Node. */
  wasmUrl?: string | URL;
  /**
   * Push after the tab is closed [false]: while ops are pending and the device is offline, a
   * sync failed, or the page is hidden, register the Background Sync tag 'offsync:<name>'
   * that a service worker answers with offsync/background's handleBackgroundSync. Ops left by
   * an earlier session are pushed at open when online (the only push where the API is missing).
   */
  backgroundSync?: boolean;
  /**
   * Pull page size, 1–1000 [500]. This and the other tuning numbers below are 'invalid' when NaN
   * or ±Infinity (JSON would make them the default).
   */
  pageSize?: number;
  /** Ops per push request, ≤ 500 [100]. */
  pushBatchSize?: number;
  /** Push requests in flight at once [1]. */
  pushConcurrency?: number;
  /** Kinds pulled at once [6]; each kind's pages stay in order. */
  pullConcurrency?: number;
  /**
   * Retries of one request on 429/5xx/timeout [5], with backoff and Retry-After; 0 means none.
   * A network failure (no answer at all) is not retried: it ends the sync at once (offline fails fast).
   */
  maxRetries?: number;
  /** Backoff bounds in ms [1000, 120000]; 0 means no wait. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Automatic full resync period in ms [7 days]; 0 or less means never. */
  fullResyncIntervalMs?: number;
  /**
   * Bound of one HTTP request, body included, in ms [60000]; 0 means none. A request that
   * times out fails with code 'timeout' (retryable, retried like a 5xx).
   */
  requestTimeoutMs?: number;
  /** User-Agent header where the host allows setting it (Node). */
  userAgent?: string;
  /**
   * While startAuto() runs, a local write (put, putMany, delete; ops added by enqueue or
   * retryParked) is pushed this many ms after the last write of a burst, at the latest 5 periods
   * after its first, one sync at a time across tabs [1000]; 0 turns it off (the seed's
   * pushImmediately). It waits while this database syncs; while the browser is offline it leaves
   * the write to the sync auto sync runs on 'online'. A write whose tab closes first is not lost:
   * the next sync pushes it. At most 2^31 − 1 (the timers' range); more, NaN or ±Infinity is
   * 'invalid'.
   */
  pushDebounceMs?: number;
  /**
   * Re-pushes of one op after conflicts within one sync, ≥ 1 [3]; its next conflict parks it
   * ('opParked' with status 409, and 'operationFailed').
   */
  maxConflictRetries?: number;
  /**
   * Indexes per kind, e.g. { daily_feeling: ['date', ['mood', 'date']] }. They make queries
   * fast (a query is correct without them); adding or removing one upgrades the local database.
   */
  indexes?: Indexes<KindOf<S>>;
}

export interface PutOptions {
  /** Fields this edit changed; null means all. Without it, put diffs against the stored record. */
  changedFields?: string[] | null;
}

/** An outbox op, as enqueue() takes it and outbox() lists it. */
export interface Op<K extends string = string, T extends BaseRecord = OffsyncRecord> {
  type: 'upsert' | 'delete';
  kind: K;
  /** The entity id. */
  id: string;
  payload?: T;
  baseUpdatedAt?: string;
  changedFields?: string[] | null;
  /** Defaults to a new UUID. */
  opId?: string;
  /** Device time of the edit, Unix ms; defaults to now. */
  localTimestamp?: number;
  /** Skip the server's version check (X-Force-Update / X-Force-Delete). */
  force?: boolean;
}

/** An op as stored in the outbox. */
export interface StoredOp<K extends string = string, T extends BaseRecord = OffsyncRecord> extends Op<K, T> {
  opId: string;
  seq: number;
  localTimestamp: number;
  changedFields: string[] | null;
  inFlight?: boolean;
  attempt?: number;
}

/** An op the server refused for good (400/404 on PUT/413/422): kept until retried or dropped. */
export interface ParkedOp {
  op: StoredOp;
  /** HTTP status; 0 when parked by the engine itself. */
  status: number;
  reason: string;
  /** Device time, Unix ms. */
  parkedAt: number;
}

/** A pulled item that failed validation: not applied; the cursor moved past it. */
export interface SetAsideItem {
  kind: string;
  /** "" when the item had no usable id. */
  id: string;
  /** The item's version; "" when it had none. */
  updatedAt: string;
  reason: string;
  /** Device time it was first set aside, Unix ms. */
  seenAt: number;
}

/** A kind's pull position: the server's (updatedAt, id) of the last applied item. */
export interface Cursor {
  updatedAt: string;
  id: string;
}

export interface SyncStats {
  pushed: number;
  pulled: number;
  conflicts: number;
  conflictsResolved: number;
  errors: number;
  durationMs: number;
}

export interface Status {
  /** The last server call reached the server. */
  online: boolean;
  syncing: boolean;
  /** Ops waiting in the outbox. */
  pending: number;
  /** Unix ms of the last successful sync; 0 never. */
  lastSyncedAt: number;
}

export interface SyncOptions<K extends string = string> {
  /** A subset of the kinds [all]. Not together with pushKinds or pullKinds. */
  kinds?: K[];
  /** The kinds whose ops are pushed [kinds]; [] pushes nothing. */
  pushKinds?: K[];
  /** The kinds pulled [kinds]; [] pulls nothing. */
  pullKinds?: K[];
  /** Aborting rejects with code 'cancelled'; what was acknowledged or applied stays. */
  signal?: AbortSignal;
}

export interface FullResyncOptions {
  /** Drop local copies of synced entities without pending ops (after the push succeeded). */
  clearData?: boolean;
  signal?: AbortSignal;
}

export interface AutoOptions {
  /** [300000]; more than 0 and at most 2^31 − 1 (the timers' range), else 'invalid'. */
  intervalMs?: number;
}

/**
 * Event payloads, by event type. Events are dispatched in the order the engine emits them, and
 * the events a call causes are dispatched before that call's Promise settles.
 */
export interface EventMap {
  syncStarted: { phase: 'push' | 'pull'; kinds?: string[] };
  progress: { phase: 'push' | 'pull'; kind?: string; done: number; total: number };
  /** After every run, failed ones too (then with `error`). */
  completed: { stats: SyncStats; error?: OffsyncError };
  conflict: { conflict: Conflict };
  /** `discarded` names what the resolution dropped: fields, or 'delete' / 'record'. */
  conflictResolved: { conflict: Conflict; resolution: Resolution; discarded?: string[] };
  opParked: { parked: ParkedOp };
  /**
   * phase: where a sync failed ('push' or 'pull'); statusCode: the HTTP status of the answer
   * that failed it, when there was one. Absent on errors outside a sync (e.g. a failing watch).
   */
  error: { error: OffsyncError; phase?: 'push' | 'pull'; statusCode?: number };
  /** 'local': this client's writes; 'sync': pulled/acknowledged/resolved; 'tab': another tab's. */
  change: { kind: string; ids: string[]; origin: 'local' | 'sync' | 'tab' };
  status: Status;
  fullResync: { reason?: 'manual' | 'interval'; clearData?: boolean };
  /** The server acknowledged the op (statusCode: its HTTP status). */
  operationPushed: { kind: string; id: string; opId: string; statusCode: number };
  /**
   * One attempt to push the op failed: refused for good (then parked), answered 429/5xx (retried
   * while retries are left), or its request failed as a whole. statusCode 0: no HTTP answer.
   */
  operationFailed: { kind: string; id: string; opId: string; statusCode: number; error: OffsyncError };
  /** A conflict was deferred: it stays in conflicts() and its op in the outbox. */
  conflictUnresolved: { conflict: Conflict };
  /**
   * autoPreserve merged a conflict: the top-level fields (system fields aside) taken from the
   * local record and from the server's; a list union or nested merge is in both.
   */
  dataMerged: { kind: string; id: string; localFields: string[]; serverFields: string[] };
}

export type EventType = keyof EventMap;

/** What db.events dispatches: a CustomEvent whose detail is the EventMap payload. */
export interface OffsyncEvent<T> extends Event {
  readonly detail: T;
}

/** db.events: an EventTarget whose listeners know each event type's payload. */
export interface OffsyncEventTarget extends EventTarget {
  addEventListener<K extends EventType>(type: K, listener: ((event: OffsyncEvent<EventMap[K]>) => void) | null,
    options?: boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | { capture?: boolean; once?: boolean; passive?: boolean; signal?: AbortSignal }): void;
  removeEventListener<K extends EventType>(type: K, listener: ((event: OffsyncEvent<EventMap[K]>) => void) | null,
    options?: boolean | { capture?: boolean }): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | { capture?: boolean }): void;
}

/**
 * One open database. Every async method rejects with an OffsyncError; a failed call never
 * breaks the client. After close() every method rejects with code 'closed'.
 *
 * Multi-tab (IndexedDB storage in browsers and workers): tabs of one origin share the
 * database. One sync runs at a time across them (Web Locks 'offsync:<name>'): sync() in a tab
 * while another tab syncs waits for that sync to end, then runs (usually with little left to
 * do); an AbortSignal also cancels the wait. Auto sync runs in one tab only (lock
 * 'offsync:<name>:auto'): startAuto() in other tabs waits in line and takes over when the
 * leader stops, closes or dies. Changes are broadcast (BroadcastChannel 'offsync:<name>') so
 * every tab's watch() and 'change' listeners (origin 'tab') see them. Memory databases never
 * coordinate. In a worker, load the module in a module worker (new Worker(url, {type: 'module'})).
 */
export interface OffsyncClient<S extends Schema<S> = UntypedSchema> {
  /** The events as an EventTarget: CustomEvents whose `detail` is the EventMap payload. */
  readonly events: OffsyncEventTarget;
  readonly closed: boolean;

  /**
   * Writes the record and its outbox op in one transaction; resolves with the stored record.
   * A value that is not JSON (typed arrays, Blob, Map, Set, functions, NaN, ±Infinity, BigInt,
   * cycles) rejects with 'invalid' naming its field; a Date is stored as its ISO string.
   */
  put<K extends KindOf<S>>(kind: K, record: S[K], options?: PutOptions): Promise<S[K]>;
  /** Many records of one kind and their ops, one transaction; changedFields derived per record. */
  putMany<K extends KindOf<S>>(kind: K, records: S[K][]): Promise<S[K][]>;
  /** Soft-deletes locally and appends the delete op; deleting an absent record does nothing. */
  delete(kind: KindOf<S>, id: string): Promise<void>;
  /** undefined when absent or deleted. */
  get<K extends KindOf<S>>(kind: K, id: string): Promise<S[K] | undefined>;
  /** Live (not deleted) records in id order (UTF-8 bytes). */
  list<K extends KindOf<S>>(kind: K): Promise<S[K][]>;
  /**
   * Calls callback with query(kind)'s rows (every live record, ids in UTF-16 code unit order)
   * now and after every change of kind: local writes, syncs, other tabs. That order can differ
   * from list()'s (UTF-8 byte order) for ids with characters outside the BMP. Calls never
   * overlap; bursts are coalesced. Returns the function that stops it.
   */
  watch<K extends KindOf<S>>(kind: K, callback: (records: S[K][]) => void): () => void;
  /**
   * Calls callback with query()'s rows now and whenever they change (local writes, syncs, other
   * tabs), once per task at most; a change that leaves the rows as they were calls nothing.
   * Throws 'invalid' on a malformed query. Returns the function that stops it.
   */
  watch<K extends KindOf<S>>(kind: K, query: Query<S[K]>, callback: (rows: S[K][]) => void): () => void;
  /** The live records that match, ordered, offset and limit applied. */
  query<K extends KindOf<S>>(kind: K, query?: Query<S[K]>): Promise<S[K][]>;
  /** How many rows query(kind, query) would return. */
  count<K extends KindOf<S>>(kind: K, query?: Query<S[K]>): Promise<number>;
  /** Appends an app-made op (seed style); opId and localTimestamp default. Resolves with the stored op. */
  enqueue<K extends KindOf<S>>(op: Op<K, S[K]>): Promise<StoredOp<K, S[K]>>;

  /** Pushes the outbox, then pulls. Rejections carry `stats`. */
  sync(options?: SyncOptions<KindOf<S>>): Promise<SyncStats>;
  /** Pushes first, resets the cursors and pulls everything again. */
  fullResync(options?: FullResyncOptions): Promise<SyncStats>;
  /**
   * Syncs now, then every intervalMs, on 'online' and when the page becomes visible (in the
   * leading tab only; see multi-tab above). Calling it again restarts it with the new interval.
   */
  startAuto(options?: AutoOptions): void;
  stopAuto(): void;

  /** Ops waiting in the outbox (parked ones excluded). */
  pendingCount(): Promise<number>;
  /** Deferred conflicts (durable). */
  conflicts(): Promise<Conflict[]>;
  /**
   * Applies a resolution to a deferred conflict now; the next sync pushes the result. Data that
   * is not JSON rejects with 'invalid', as in put.
   */
  resolveConflict(conflictId: string, resolution: Resolution): Promise<void>;

  /** Inspector: the pending ops in order. */
  outbox(): Promise<StoredOp[]>;
  /** Inspector: each kind's pull cursor. */
  cursors(): Promise<Record<string, Cursor>>;
  /** Inspector: ops the server refused for good. */
  parked(): Promise<ParkedOp[]>;
  /**
   * Inspector: pulled items set aside because they failed validation (each also reported as an
   * `error` event), oldest first, without those a later version of their record replaced.
   */
  setAside(): Promise<SetAsideItem[]>;
  /** Puts parked ops back into the outbox (with a new idempotency key). */
  retryParked(opIds: string[]): Promise<void>;
  /** Forgets parked ops. */
  dropParked(opIds: string[]): Promise<void>;
  status(): Promise<Status>;

  /**
   * Listens to one event type; returns the unsubscribe function. A listener unsubscribed by an
   * earlier one of the same event is not called for it.
   */
  on<K extends EventType>(type: K, callback: (event: EventMap[K]) => void): () => void;
  /**
   * Stops auto sync, cancels a running sync, closes the store. Every later call returns the
   * first one's promise, which settles once the database is closed.
   */
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) a local database. Rejects with code 'invalid' on bad options and
 * when sync.wasm cannot be loaded for good (HTTP 4xx, wrong MIME type, blocked by the page's
 * Content-Security-Policy, not compilable); with 'network' (retryable) when it could not be
 * fetched (offline, server down, HTTP 5xx). Typed per kind with a schema:
 * `open<{ todo: Todo; note: Note }>({ kinds: ['todo', 'note'], ... })`.
 */
export function open(options: OpenOptions): Promise<OffsyncClient>;
export function open<S extends Schema<S>>(options: OpenOptions<S>): Promise<OffsyncClient<S>>;

/**
 * Loads sync.wasm (download, compile, Go runtime start) ahead of open(), e.g. as the app starts,
 * so that open() later only opens the database. Optional: open() loads it when needed. Resolves
 * once loaded; rejects with the error open() would give (a later open() or preload() tries
 * again): `preload().catch(() => {})` when only the head start matters. Give the same wasmUrl
 * as to open().
 */
export function preload(options?: { wasmUrl?: string | URL }): Promise<void>;

/**
 * The seed's merge helpers, plain JS (usable without sync.wasm), with the Go helpers' results.
 * None modifies its inputs; results share nothing with them. null/undefined records are empty;
 * anything else that is not an object throws an OffsyncError with code 'invalid'.
 */
export interface Merges {
  /**
   * autoPreserve's merge: the server record with the local changes applied, nothing lost.
   * changedFields: the top-level local fields to apply (null/undefined: all; []: none). System
   * fields (id, updatedAt, createdAt, deletedAt, also snake_case) stay the server's; a local null
   * never clears a server value; lists are unioned (server items first; objects with an id
   * matched by id); nested objects merge recursively.
   */
  preserving<T extends object = OffsyncRecord>(local: object | null | undefined, server: object | null | undefined, changedFields?: string[] | null): T;
  /** The seed's default merge: the server record with every non-null local field over it. */
  shallow<T extends object = OffsyncRecord>(local: object | null | undefined, server: object | null | undefined): T;
  /** The seed's deep merge: objects merged recursively, otherwise a local key wins (null too); lists replaced. */
  deep<T extends object = OffsyncRecord>(local: object | null | undefined, server: object | null | undefined): T;
}

export const merges: Readonly<Merges>;
