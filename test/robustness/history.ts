/**
 * What an episode recorded: every operation a client saw (call and return on one monotonic clock, the request, the
 * response or the error), every watch's events and progress answers, the lock holders, the mirror's snapshots.
 * The checks (checks/*.ts) read only this, so a hand-made history (test/robustness/checker.test.ts) is checked
 * exactly like a recorded one.
 */

/** A key-value as the checks compare it. Revisions are numbers: an episode stays far below 2^53. */
export interface Kv {
  readonly key: string;
  readonly value: string;
  readonly mod: number;
  readonly create: number;
  readonly version: number;
  /** Lease id (decimal text), '0' for none. */
  readonly lease?: string | undefined;
}

export interface Compare {
  readonly key: string;
  readonly target: 'mod' | 'value';
  /** `==` only: what the traffic sends. */
  readonly equals: number | string;
}

export type TxnOp =
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'delete'; readonly key: string };

/** A KV operation's request. */
export type KvInput =
  | { readonly kind: 'get'; readonly key: string; readonly serializable?: boolean | undefined }
  | { readonly kind: 'range'; readonly prefix: string; readonly serializable?: boolean | undefined }
  /** A paged `iterate`: every page at the first page's revision. */
  | { readonly kind: 'iterate'; readonly prefix: string }
  | {
      readonly kind: 'put';
      readonly key: string;
      readonly value: string;
      readonly lease?: string | undefined;
      readonly idempotent?: boolean | undefined;
    }
  | { readonly kind: 'delete'; readonly key: string }
  | {
      readonly kind: 'txn';
      readonly compares: readonly Compare[];
      readonly then: readonly TxnOp[];
      readonly else: readonly TxnOp[];
    }
  | { readonly kind: 'grant' }
  | { readonly kind: 'revoke'; readonly lease: string };

/** A KV operation's answer. */
export interface KvOutput {
  /** The header's revision. */
  readonly revision: number;
  readonly kvs?: readonly Kv[] | undefined;
  readonly deleted?: number | undefined;
  readonly succeeded?: boolean | undefined;
  /** lease.grant's id. */
  readonly lease?: string | undefined;
}

export type Outcome = 'ok' | 'failed' | 'ambiguous';

export interface KvOperation {
  readonly id: number;
  readonly client: string;
  readonly input: KvInput;
  readonly call: number;
  /** Return (or failure) time; a failed write may still apply later, the checker treats that as ∞. */
  readonly ret: number;
  readonly output?: KvOutput | undefined;
  /** The error's text, when it failed. */
  readonly error?: string | undefined;
  /**
   * `ok`; `failed`: surely not applied (a read, or a write the server refused); `ambiguous`: a write that may or
   * may not have been applied.
   */
  readonly outcome: Outcome;
}

/** A watch event as recorded. */
export interface WatchedEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly key: string;
  readonly value: string;
  readonly mod: number;
  readonly prevValue?: string | undefined;
  readonly prevMod?: number | undefined;
  /** Receive time. */
  readonly at: number;
}

export interface WatchRecord {
  readonly id: string;
  readonly client: string;
  readonly transport: 'websocket' | 'post';
  readonly prefix: string;
  readonly prevKv: boolean;
  /** The requested start revision; undefined: "from now" (then `created` is the start minus one). */
  readonly startRevision?: number | undefined;
  created?: number | undefined;
  readonly events: WatchedEvent[];
  /** Progress answers: the revision, and how many events had been yielded when it resolved. */
  readonly progress: { readonly revision: number; readonly afterEvents: number; readonly at: number }[];
  /** How the watch ended: closed by the traffic, or an error (WatchCompactedError's compact revision). */
  end?: { readonly closed: true } | { readonly error: string; readonly compactRevision?: number | undefined };
  /** Reconnects the client reported for this client while the watch ran (observe 'reconnect'). */
  resumes: number;
}

/** One critical section of withLock. */
export interface LockHold {
  readonly client: string;
  readonly enter: number;
  readonly exit: number;
  /** The lock key's create revision: the fencing token. */
  readonly fence: number;
}

/** A mirror's map, taken at one instant. */
export interface MirrorSnapshot {
  readonly at: number;
  readonly revision: number;
  readonly entries: ReadonlyMap<string, { value: string; mod: number }>;
}

/** One reference watcher: every event one member persisted, straight from it, from revision 1. */
export interface ReferenceStream {
  readonly member: string;
  readonly events: readonly ReferenceEvent[];
  /** Revisions this stream surely saw all of: (1, upTo]; a resume that met a compaction leaves a gap after it. */
  readonly complete: boolean;
}

export interface ReferenceEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly key: string;
  readonly value: string;
  readonly mod: number;
  readonly create: number;
  readonly version: number;
  readonly lease: string;
}

export interface EpisodeHistory {
  readonly operations: readonly KvOperation[];
  readonly watches: readonly WatchRecord[];
  readonly locks: readonly LockHold[];
  readonly mirrors: readonly MirrorSnapshot[];
  /** The reference watchers' events merged by revision (see reference.ts). */
  readonly reference: readonly ReferenceEvent[];
  /** Highest revision the reference covers without a gap. */
  readonly referenceUpTo: number;
  /** The STM bank: its keys' prefix and the total it must keep. */
  readonly bank?: { readonly prefix: string; readonly total: number; readonly finalTotal?: number | undefined } | undefined;
  /** Highest revision a compaction was asked for (a watch below it may end compacted). */
  readonly compactedTo: number;
  /** Key prefix of the KV traffic the linearizability model covers. */
  readonly kvPrefix: string;
}

/** One monotonic clock for every record of a run. */
export const now = (): number => performance.now();
