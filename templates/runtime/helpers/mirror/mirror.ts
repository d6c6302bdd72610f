// client.mirror({ key, prefix }): the list-then-watch pattern caches and service discovery are built on. The range
// is read page by page at one revision R (a consistent snapshot), then watched from R+1; the local map follows
// every change. When the watch's resume revision has been compacted, the range is listed again and the
// difference is applied as ordinary changes, so a consumer of the changes never has to start over.
import { bytesToText } from '../../wire/bytes.js';
import type { BytesInput } from '../../wire/codec.js';
import { WatchCompactedError, isRetriable } from '../../errors.js';
import { abortError, createScope, sleep } from '../../core/signals.js';
import { createWatchEvents, type WatchEventsDeps } from '../../watch/index.js';
import type { WatchResponseShape } from '../../watch/types.js';
import { iterateRange } from '../iterate/iterate.js';
import type { KeyValueShape, KvHelperApi } from '../kv/api.js';
import { rangeEndOf, type KeyRangeOptions } from '../../wire/range.js';

export interface MirrorOptions extends KeyRangeOptions {
  /** Keys per page while listing (default 500). */
  pageSize?: number | undefined;
  /** Aborting stops the mirror (as close()). */
  signal?: AbortSignal | undefined;
}

/** One change of the mirrored range, as applied to the map. */
export interface MirrorChange<KV> {
  readonly type: 'put' | 'delete';
  /** The key as UTF-8 text (the map's key). */
  readonly key: string;
  /** The new key-value (undefined for a delete). */
  readonly kv: KV | undefined;
  /** What the map held before (undefined for a new key). */
  readonly prevKv: KV | undefined;
  /** The revision the map is at after this change. */
  readonly revision: bigint;
}

/**
 * A live copy of a range. Iterate it (`for await (const change of mirror)`) for the changes applied after the
 * iteration started; each iteration gets every change, buffered until it is consumed.
 */
export interface Mirror<KV> extends AsyncIterable<MirrorChange<KV>> {
  /** Resolves once the first snapshot is loaded; rejects when it cannot be. */
  readonly ready: Promise<void>;
  /** The revision the map reflects: the snapshot's, then the last applied change's (0n before ready). */
  readonly revision: bigint;
  /** The key-values by key (UTF-8 text). */
  readonly entries: ReadonlyMap<string, KV>;
  /** The key-value of `key`, if the range holds it. */
  get(key: BytesInput): KV | undefined;
  /** How often the range was listed: 1, plus one per compaction recovered from. */
  readonly lists: number;
  /** Settles when the mirror stops: resolves after close() or the signal, rejects with a final error. */
  readonly done: Promise<void>;
  close(): void;
}

/** `client.mirror(options)`. */
export type MirrorFactory<KV> = (options: MirrorOptions) => Mirror<KV>;

export type MirrorDeps<KV extends KeyValueShape, R extends WatchResponseShape> = KvHelperApi<KV> & WatchEventsDeps<R>;

export function createMirror<KV extends KeyValueShape, R extends WatchResponseShape>(
  deps: MirrorDeps<KV, R>,
): MirrorFactory<KV> {
  const watchEvents = createWatchEvents(deps);
  return (options) => new LiveMirror<KV>(deps, (o) => watchEvents(o) as AsyncIterable<WatchedEvent<KV>>, options);
}

interface WatchedEvent<KV> {
  readonly type: string | number;
  readonly kv?: KV | undefined;
}

type RangeFields = { prefix?: true; rangeEnd?: BytesInput };
type Watch<KV> = (
  options: { key: BytesInput; startRevision: bigint; signal: AbortSignal } & RangeFields,
) => AsyncIterable<WatchedEvent<KV>>;

const RETRY_DELAY_MS = 250;

class LiveMirror<KV extends KeyValueShape> implements Mirror<KV> {
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  revision = 0n;
  lists = 0;
  private readonly map = new Map<string, KV>();
  private readonly subscribers = new Set<ChangeQueue<KV>>();
  private readonly scope;
  private settleReady: { resolve: () => void; reject: (error: unknown) => void } | undefined;

  constructor(
    private readonly api: KvHelperApi<KV>,
    private readonly watch: Watch<KV>,
    private readonly options: MirrorOptions,
  ) {
    rangeEndOf('mirror', options.key, options); // checks the range; the watch and the list compute the end
    this.scope = createScope([options.signal, api.transport.closed]);
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined);
    this.done = this.run().then(
      () => this.finish(undefined),
      (error: unknown) => this.finish(this.scope.signal.aborted ? undefined : error),
    );
    this.done.catch(() => undefined);
  }

  get entries(): ReadonlyMap<string, KV> {
    return this.map;
  }

  get(key: BytesInput): KV | undefined {
    return this.map.get(typeof key === 'string' ? key : bytesToText(key));
  }

  close(): void {
    this.scope.abort(abortError('the mirror was closed'));
  }

  [Symbol.asyncIterator](): AsyncIterator<MirrorChange<KV>> {
    const queue = new ChangeQueue<KV>(() => this.subscribers.delete(queue));
    if (this.scope.signal.aborted) queue.end(undefined);
    else this.subscribers.add(queue);
    return queue;
  }

  private async run(): Promise<void> {
    const signal = this.scope.signal;
    const { key } = this.options;
    for (;;) {
      await this.list(signal);
      try {
        const watch = { key, startRevision: this.revision + 1n, signal, ...this.range() };
        for await (const event of this.watch(watch)) this.apply(event);
        return;
      } catch (error) {
        if (!(error instanceof WatchCompactedError) || signal.aborted) throw error;
      }
    }
  }

  private range(): RangeFields {
    if (this.options.prefix === true) return { prefix: true };
    return this.options.rangeEnd === undefined ? {} : { rangeEnd: this.options.rangeEnd };
  }

  /** Lists the range at one revision and applies the difference; retried while the cluster is unreachable. */
  private async list(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        const snapshot = new Map<string, KV>();
        let revision = 0n;
        const options = { key: this.options.key, ...this.range(), pageSize: this.options.pageSize, signal };
        for await (const kv of iterateRange(this.api.kv, options, (r) => (revision = r)))
          snapshot.set(bytesToText(kv.key), kv);
        this.replace(snapshot, revision);
        this.lists++;
        this.settleReady?.resolve();
        return;
      } catch (error) {
        if (signal.aborted || !isRetriable(error)) {
          this.settleReady?.reject(error);
          throw error;
        }
      }
      await sleep(RETRY_DELAY_MS, signal);
    }
  }

  private replace(snapshot: Map<string, KV>, revision: bigint): void {
    this.revision = revision;
    for (const [key, prevKv] of [...this.map]) {
      if (!snapshot.has(key)) this.change({ type: 'delete', key, kv: undefined, prevKv, revision });
    }
    for (const [key, kv] of snapshot) {
      const prevKv = this.map.get(key);
      if (prevKv === undefined || BigInt(prevKv.modRevision) !== BigInt(kv.modRevision)) {
        this.change({ type: 'put', key, kv, prevKv, revision });
      }
    }
  }

  private apply(event: WatchedEvent<KV>): void {
    const kv = event.kv;
    if (kv === undefined) return;
    const key = bytesToText(kv.key);
    const revision = BigInt(kv.modRevision);
    const prevKv = this.map.get(key);
    this.revision = revision;
    if (event.type === 'DELETE' || event.type === 1)
      this.change({ type: 'delete', key, kv: undefined, prevKv, revision });
    else this.change({ type: 'put', key, kv, prevKv, revision });
  }

  private change(change: MirrorChange<KV>): void {
    if (change.type === 'delete') this.map.delete(change.key);
    else if (change.kv !== undefined) this.map.set(change.key, change.kv);
    for (const queue of this.subscribers) queue.push(change);
  }

  private finish(error: unknown): void {
    this.scope.dispose();
    this.settleReady?.reject(error ?? abortError('the mirror stopped before its first snapshot'));
    for (const queue of this.subscribers) queue.end(error);
    this.subscribers.clear();
    if (error !== undefined) throw error;
  }
}

/** One iteration's changes, buffered until consumed; ends (or throws) when the mirror stops. */
class ChangeQueue<KV> implements AsyncIterator<MirrorChange<KV>> {
  private readonly buffer: MirrorChange<KV>[] = [];
  private waiter: { resolve: (r: IteratorResult<MirrorChange<KV>>) => void; reject: (e: unknown) => void } | undefined;
  private ended: { error: unknown } | undefined;

  constructor(private readonly unsubscribe: () => void) {}

  push(change: MirrorChange<KV>): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) waiter.resolve({ value: change, done: false });
    else this.buffer.push(change);
  }

  end(error: unknown): void {
    this.ended ??= { error };
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) return;
    if (error === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(error);
  }

  next(): Promise<IteratorResult<MirrorChange<KV>>> {
    const change = this.buffer.shift();
    if (change !== undefined) return Promise.resolve({ value: change, done: false });
    if (this.ended !== undefined) {
      return this.ended.error === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.ended.error);
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<MirrorChange<KV>>> {
    this.unsubscribe();
    this.buffer.length = 0;
    this.end(undefined);
    return Promise.resolve({ value: undefined, done: true });
  }
}
