// The watch room's vocabulary: what `watchEvents` is asked for, the shapes of the generated watch models it reads
// and writes, and the interfaces between its files (a channel, the opener a run creates its watch through). Types
// only: every file of watch/ may import it, and it imports none of them.
import type { Scope } from '../core/signals.js';
import type { Ending } from '../types.js';
import type { Int64Input } from '../wire/int64.js';
import type { KeyRangeOptions } from '../wire/range.js';

/**
 * Where a watch stands: `connecting` until the server first created it, `connected` while it is created on a
 * member, `disconnected` once it lost its stream and creating it again failed on every endpoint since (one POST's
 * failover round that tried them all, or one socket per endpoint; it keeps trying: the next creation makes it
 * `connected` again, and no event is lost in between).
 */
export type WatchStatus = 'connecting' | 'connected' | 'disconnected';

/** Called on every status change; `error` is the last failure for `disconnected`. */
export type WatchStatusListener = (status: WatchStatus, error?: unknown) => void;

export type EventOf<R extends WatchResponseShape> = R['events'][number];

export type WatchFilter = 'NOPUT' | 'NODELETE';

export interface WatchEventsOptions extends KeyRangeOptions {
  /** The first revision to deliver (inclusive); default: changes after now. */
  startRevision?: Int64Input | undefined;
  /** Deliver each event's previous key-value too. */
  prevKv?: boolean | undefined;
  /** Event types the server leaves out. */
  filters?: readonly WatchFilter[] | undefined;
  /** Ask the server for periodic progress notifications (they let a resume start later after quiet periods). */
  progressNotify?: boolean | undefined;
  /**
   * Ask the server to split revisions too large for one message (default true); the runtime puts them back
   * together. `false` is faster when catching up on many events (etcd 3.4 splits big batches slowly: see
   * bench/RESULTS.md), at the price of one message per batch, however large.
   */
  fragment?: boolean | undefined;
  /** Aborting it ends the iteration (it throws the signal's reason) and cancels the watch on the server. */
  signal?: AbortSignal | undefined;
  /**
   * Called when the watch's status changes: `connected` once created (again), `disconnected` when creating it
   * again failed on every endpoint in a row; the watch goes on trying either way. See `Watch.status`.
   */
  onStatus?: WatchStatusListener | undefined;
}

/** A create request in the generated models' names (WatchCreateRequestInput has these fields, and more). */
export interface WatchCreateShape {
  readonly key?: string | Uint8Array | undefined;
  readonly rangeEnd?: string | Uint8Array | undefined;
  readonly startRevision?: bigint | undefined;
  readonly prevKv?: boolean | undefined;
  readonly progressNotify?: boolean | undefined;
  readonly filters?: readonly WatchFilter[] | undefined;
  /** Known to specs from etcd 3.3.27/3.4 on (an older spec's encoder leaves it out). */
  readonly fragment?: boolean | undefined;
  /** A client-chosen watch ID (shared websockets; specs from 3.3.27/3.4 on). */
  readonly watchId?: number | undefined;
}

/** A watch request in the generated models' names, as the generated `encodeWatchRequest` takes it. */
export interface WatchRequestShape {
  readonly createRequest?: WatchCreateShape | undefined;
  readonly cancelRequest?: { readonly watchId?: number | undefined } | undefined;
  readonly progressRequest?: Readonly<Record<string, never>> | undefined;
}

/** The generated encoder: a watch request → its wire JSON. */
export type EncodeWatchRequest = (request: WatchRequestShape) => Record<string, unknown>;

/** The decoded fields the runtime reads; the generated Event and WatchResponse types have them. */
export interface WatchEventShape {
  readonly kv?: { readonly modRevision: bigint | string } | undefined;
}

export interface WatchResponseShape<E extends WatchEventShape = WatchEventShape> {
  readonly header?: { readonly revision: bigint | string } | undefined;
  readonly watchId: bigint | string;
  readonly created: boolean;
  readonly canceled: boolean;
  readonly compactRevision: bigint | string;
  /** Absent from specs before etcd 3.2 (and from their servers' answers). */
  readonly cancelReason?: string;
  /** Absent from specs before etcd 3.4 (and from their servers' answers). */
  readonly fragment?: boolean;
  readonly events: readonly E[];
}

export interface WatchChannel {
  /** Where the watch runs, when the channel knows it. */
  readonly endpoint: string | undefined;
  /** The token the watch was created with (for re-authentication). */
  readonly token: string | undefined;
  /** How the watch travels, for diagnostics. */
  readonly kind: 'post' | 'websocket';
  /**
   * A POST only: false when its server leaves a progress request in the body unanswered after a create with a
   * start revision (etcd 3.5 on): the run then proves the progress itself (post-progress.ts). Asked of the server
   * only for a POST whose body carries a progress request (no other POST can get a progress answer).
   */
  readonly answersProgressAfterResume?: boolean;
  /** The next response (`result` object, still wire JSON) of this watch; rejects once the stream is gone. */
  next(): Promise<Record<string, unknown>>;
  /**
   * Sends a progress request whose answer (a response with watch ID -1 and a header) comes through next() in order
   * with the watch's other responses. False when this channel cannot send one (a POST, whose body is sent).
   */
  requestProgress(): boolean;
  /** Cancels the watch on the server; idempotent. Aborting the channel's signal does the same. */
  close(): void;
}

export interface KeepaliveTuning {
  /** Silence after which the socket gets a progress request. */
  readonly intervalMs: number;
  /** How long the server has to answer it (and to open the socket). */
  readonly timeoutMs: number;
}

/**
 * Where a watch run creates its watch (the hub: a shared websocket or a POST on the current endpoint). A run
 * depends on this much only, so it can be driven by a fake in tests.
 */
export interface WatchOpener {
  /** How many endpoints the client has (a watch that failed on this many in a row is disconnected). */
  readonly endpointCount: number;
  /** The endpoint the next watch opens on. */
  readonly currentEndpoint: string;
  /** Ends when the client closes. */
  readonly lifetime: Ending;
  /**
   * Opens a watch within `scope` (the watch's run: it closes the channel when it ends); `build` makes its wire
   * create request (with a client-chosen ID on a shared socket). A POST body also carries what `trailer` returns
   * (requests that can only travel with the create there).
   */
  open(
    build: (watchId?: number) => Record<string, unknown>,
    scope: Scope,
    trailer?: () => readonly Record<string, unknown>[],
  ): Promise<WatchChannel>;
  /**
   * The server rejected the channel's token: forget it, and stop opening watches on a socket that carries it.
   * False when no other token can be had (a static token).
   */
  reauthenticate(channel: WatchChannel): boolean;
  /** The endpoint failed (a message past maxMessageBytes twice): new watches open on the next one. */
  failed(endpoint: string): void;
  /** A read-only Txn (wire JSON in and out) on the watch's transport: post-progress.ts reads revisions with it. */
  readTxn(body: Record<string, unknown>, signal: AbortSignal): Promise<Record<string, unknown>>;
}
