// client.stm(fn, { isolation, retries, signal }): software transactional memory over etcd, as Go's
// concurrency.STM. `fn(tx)` reads with tx.get and writes with tx.put / tx.delete; the writes commit in one txn
// guarded by what was read, and `fn` runs again when another writer got there first.
//
// Isolation levels (Go's names in brackets):
// - 'serializable' (default) [SerializableSnapshot]: every read is at the revision of the first read; the commit
//   requires every key read to be unchanged and every key written to be unchanged since that revision.
// - 'snapshot' [Serializable]: reads at the first read's revision; the commit requires every key read unchanged.
// - 'repeatable-read' [RepeatableReads]: each key is read once (from any member) and kept for the attempt; the
//   commit requires every key read unchanged. Reads within an attempt may come from different revisions.
// - 'read-committed' [ReadCommitted]: reads as above; the commit is not guarded at all.
// The first three keep an invariant across keys that `fn` reads before writing (a bank's total); read-committed
// does not. A failed guarded commit fetches the keys read in the same round trip, for the next attempt; when that
// attempt waits first (conflict backoff, from the second conflict on), it reads them again after the wait.
import { bytesToText, encodeBytes, textToBytes } from '../../wire/bytes.js';
import type { BytesInput } from '../../wire/codec.js';
import type { Int64Input } from '../../wire/int64.js';
import { GrpcCode } from '../../codes.js';
import { backoffDelay } from '../../core/backoff.js';
import { EtcdError } from '../../errors.js';
import { sleep } from '../../core/signals.js';
import {
  callOptions,
  headerRevision,
  type CompareShape,
  type KeyValueShape,
  type KvApi,
  type KvHelperApi,
  type RangeRequestShape,
  type RequestOpShape,
  type TxnResponseShape,
} from '../kv/api.js';

/** Between attempts after a conflict: 20 ms doubling up to 200 ms, jittered, so contenders drift apart. */
const CONFLICT_BACKOFF = { initialMs: 20, maxMs: 200 };

export type StmIsolation = 'serializable' | 'snapshot' | 'repeatable-read' | 'read-committed';

export interface StmOptions {
  /** Default 'serializable'. */
  isolation?: StmIsolation | undefined;
  /** How often `fn` may run again after a conflict (default 20; Infinity: until it commits). */
  retries?: number | undefined;
  /** Aborting stops between attempts and cancels the call in flight; nothing is committed. */
  signal?: AbortSignal | undefined;
}

/** What `fn` gets: reads are guarded, writes are buffered until the commit. */
export interface StmTx {
  /** The value (as this attempt sees it, own writes included), or undefined when the key does not exist. */
  get(key: BytesInput): Promise<Uint8Array | undefined>;
  /** The value as UTF-8 text, or undefined. */
  getText(key: BytesInput): Promise<string | undefined>;
  /** The key's mod revision as read (0n when it does not exist). */
  modRevision(key: BytesInput): Promise<bigint>;
  put(key: BytesInput, value: BytesInput, options?: { lease?: Int64Input | undefined }): void;
  delete(key: BytesInput): void;
  /** Which attempt this is (1 for the first). */
  readonly attempt: number;
  readonly signal: AbortSignal | undefined;
}

/** `client.stm(fn, options?)`: resolves to what the committed run of `fn` returned. */
export type Stm = <T>(fn: (tx: StmTx) => Promise<T> | T, options?: StmOptions) => Promise<T>;

/** Every attempt met a conflicting writer (gRPC ABORTED); `attempts` says how many ran. */
export class StmConflictError extends EtcdError {
  override readonly name: string = 'StmConflictError';
  readonly attempts: number;

  constructor(attempts: number) {
    super(`stm: gave up after ${attempts} attempts, each overtaken by a conflicting write`, {
      code: GrpcCode.Aborted,
      operation: 'stm',
    });
    this.attempts = attempts;
  }
}

const ISOLATIONS: readonly StmIsolation[] = ['serializable', 'snapshot', 'repeatable-read', 'read-committed'];
/**
 * Ordinary contention (8 clients × 100 transfers among 5 keys) conflicts an attempt in ~0.4–0.5 of tries on a loaded
 * machine (bench/RESULTS.md §11): with 10 retries that gave up about once in a few thousand transfers, with 20 the
 * chance is ~1e-7 per transfer. A caller that wants Go's "until it commits" passes Infinity.
 */
const DEFAULT_RETRIES = 20;

export function createStm<KV extends KeyValueShape>(api: KvHelperApi<KV>): Stm {
  return (fn, options) => runStm(api.kv, fn, options);
}

export async function runStm<T, KV extends KeyValueShape>(
  kv: KvApi<KV>,
  fn: (tx: StmTx) => Promise<T> | T,
  options: StmOptions = {},
): Promise<T> {
  const isolation = options.isolation ?? 'serializable';
  if (!ISOLATIONS.includes(isolation)) throw new TypeError(`stm: isolation must be one of ${ISOLATIONS.join(', ')}`);
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!(retries >= 0)) throw new RangeError(`stm: retries must be 0 or more, got ${String(retries)}`);
  let prefetch = new Map<string, ReadRecord<KV>>();
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const tx = new Attempt(kv, isolation, prefetch, attempt, options.signal);
    const result = await fn(tx);
    const outcome = await tx.commit();
    if (outcome.committed) return result;
    prefetch = outcome.prefetch;
    if (attempt > retries) throw new StmConflictError(attempt);
    if (attempt === 1) continue; // at once, on the reads the failed commit fetched
    await sleep(backoffDelay(CONFLICT_BACKOFF, attempt - 2), options.signal ?? new AbortController().signal);
    // Those reads are as old as the failed commit: contenders wrote during the wait, and an attempt on them would
    // be lost before it starts. Read the same keys again, in one round trip, at one revision.
    prefetch = await refetch(kv, prefetch, options.signal);
  }
}

/** The prefetched keys read again at the current revision (one read-only txn). */
async function refetch<KV extends KeyValueShape>(
  kv: KvApi<KV>,
  stale: Map<string, ReadRecord<KV>>,
  signal: AbortSignal | undefined,
): Promise<Map<string, ReadRecord<KV>>> {
  const records = [...stale.values()];
  if (records.length === 0) return stale;
  const success: RequestOpShape[] = records.map((r) => ({ requestRange: { key: r.key } }));
  return prefetched(records, await kv.txn({ success }, callOptions({ signal })));
}

/** The records of `reads` from a txn's range answers (in the same order), at the txn's revision. */
function prefetched<KV extends KeyValueShape>(
  reads: readonly ReadRecord<KV>[],
  response: TxnResponseShape<KV>,
): Map<string, ReadRecord<KV>> {
  const revision = headerRevision(response.header);
  const fresh = new Map<string, ReadRecord<KV>>();
  reads.forEach((r, i) => {
    const kvs = response.responses[i]?.responseRange?.kvs;
    if (kvs !== undefined) fresh.set(encodeBytes(r.key), { key: r.key, kv: kvs[0], revision });
  });
  return fresh;
}

interface ReadRecord<KV> {
  readonly key: BytesInput;
  readonly kv: KV | undefined;
  /** The store revision the read saw. */
  readonly revision: bigint;
}

type Write =
  | { readonly key: BytesInput; readonly value: Uint8Array; readonly lease?: Int64Input | undefined }
  | { readonly key: BytesInput; readonly value: undefined };

class Attempt<KV extends KeyValueShape> implements StmTx {
  private readonly reads = new Map<string, ReadRecord<KV>>();
  private readonly writes = new Map<string, Write>();
  /** Snapshot levels: the revision every read of this attempt is at (set by the first read). */
  private readRevision: bigint | undefined;
  /** Reads run one after the other, so "the first read" is well defined even when `fn` reads in parallel. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kv: KvApi<KV>,
    private readonly isolation: StmIsolation,
    private readonly prefetch: Map<string, ReadRecord<KV>>,
    readonly attempt: number,
    readonly signal: AbortSignal | undefined,
  ) {}

  private get snapshotReads(): boolean {
    return this.isolation === 'serializable' || this.isolation === 'snapshot';
  }

  async get(key: BytesInput): Promise<Uint8Array | undefined> {
    const written = this.writes.get(encodeBytes(key));
    if (written !== undefined) return written.value;
    return (await this.read(key)).kv?.value;
  }

  async getText(key: BytesInput): Promise<string | undefined> {
    const value = await this.get(key);
    return value === undefined ? undefined : bytesToText(value);
  }

  async modRevision(key: BytesInput): Promise<bigint> {
    const kv = (await this.read(key)).kv;
    return kv === undefined ? 0n : BigInt(kv.modRevision);
  }

  put(key: BytesInput, value: BytesInput, options: { lease?: Int64Input | undefined } = {}): void {
    const bytes = typeof value === 'string' ? textToBytes(value) : value;
    this.writes.set(encodeBytes(key), { key, value: bytes, lease: options.lease });
  }

  delete(key: BytesInput): void {
    this.writes.set(encodeBytes(key), { key, value: undefined });
  }

  private read(key: BytesInput): Promise<ReadRecord<KV>> {
    const next = this.queue.then(() => this.readNow(key));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNow(key: BytesInput): Promise<ReadRecord<KV>> {
    const id = encodeBytes(key);
    const known = this.reads.get(id);
    if (known !== undefined) return known;
    let record = this.prefetch.get(id);
    if (record !== undefined) this.prefetch.delete(id);
    else record = await this.fetch(key);
    if (this.snapshotReads && this.reads.size === 0) this.readRevision = record.revision; // the attempt's snapshot
    this.reads.set(id, record);
    return record;
  }

  private async fetch(key: BytesInput): Promise<ReadRecord<KV>> {
    const request: RangeRequestShape = { key };
    if (this.readRevision !== undefined) request.revision = this.readRevision;
    // As Go: the weaker levels read from whichever member answers (the commit's guard catches stale reads).
    else if (!this.snapshotReads) request.serializable = true;
    const response = await this.kv.range(request, this.signal === undefined ? {} : { signal: this.signal });
    const revision = this.readRevision ?? headerRevision(response.header);
    return { key, kv: response.kvs[0], revision };
  }

  /** Commits the writes under this level's guard; on a conflict, the keys read, fetched for the next attempt. */
  async commit(): Promise<{ committed: true } | { committed: false; prefetch: Map<string, ReadRecord<KV>> }> {
    await this.queue;
    const reads = [...this.reads.values()];
    const success = [...this.writes.values()].map(writeOp);
    const failure: RequestOpShape[] = this.snapshotReads ? reads.map((r) => ({ requestRange: { key: r.key } })) : [];
    const request = { compare: this.guard(reads), success, failure };
    const response = await this.kv.txn(request, this.signal === undefined ? {} : { signal: this.signal });
    if (response.succeeded) return { committed: true };
    return { committed: false, prefetch: prefetched(reads, response) };
  }

  private guard(reads: readonly ReadRecord<KV>[]): CompareShape[] {
    if (this.isolation === 'read-committed') return [];
    const unchanged = reads.map((r) => modEquals(r.key, r.kv === undefined ? 0n : BigInt(r.kv.modRevision)));
    if (this.isolation !== 'serializable' || reads.length === 0) return unchanged;
    // Writes too: no key written may have changed after the snapshot (Go's SerializableSnapshot).
    const first = reads.reduce((min, r) => (r.revision < min ? r.revision : min), reads[0]!.revision);
    const notOverwritten = [...this.writes.values()].map((w) => ({
      key: w.key,
      target: 'MOD',
      result: 'LESS',
      modRevision: first + 1n,
    }));
    return [...unchanged, ...notOverwritten];
  }
}

function modEquals(key: BytesInput, modRevision: bigint): CompareShape {
  return { key, target: 'MOD', result: 'EQUAL', modRevision };
}

function writeOp(write: Write): RequestOpShape {
  if (write.value === undefined) return { requestDeleteRange: { key: write.key } };
  const put = { key: write.key, value: write.value };
  return { requestPut: write.lease === undefined ? put : { ...put, lease: write.lease } };
}
