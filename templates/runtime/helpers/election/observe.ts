// Who leads an election, as it changes: "no leader" included. etcd's Observe RPC only ever names leaders (it waits
// silently while there is none), so the client reads the election's keys instead, as Go's concurrency.Election
// does: the candidates are the keys under `name/`, and the leader is the one created first. One consistent read,
// then a watch of the prefix from the next revision (it resumes after drops without losing an event); a
// compaction that outran the watch starts over with a new read.
import { WatchCompactedError } from '../../errors.js';
import { prefixRangeEnd } from '../../wire/bytes.js';
import type { BytesInput } from '../../wire/codec.js';
import type { CallOptions } from '../../types.js';
import type { WatchEvents } from '../../watch/index.js';
import { toBigInt, type Int64Output } from '../../wire/int64.js';

export interface CandidateKv {
  key: Uint8Array;
  value: Uint8Array;
  createRevision: Int64Output;
  modRevision: Int64Output;
  lease: Int64Output;
}

/** The part of the generated KV service observe reads with. */
export interface ElectionKvApi {
  range(
    request: { key?: BytesInput; rangeEnd?: BytesInput; revision?: bigint },
    options?: CallOptions,
  ): Promise<{ header?: { revision: Int64Output } | undefined; kvs: readonly CandidateKv[] }>;
}

/** A leader's proclamation: its election key, the value it proclaimed, its lease. */
export interface ElectionLeader {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly lease: bigint;
  /** When this leader was elected (the key's create revision). */
  readonly createRevision: bigint;
  /** When `value` was proclaimed (the key's mod revision). */
  readonly modRevision: bigint;
}

export interface ObserveDeps {
  readonly kv: ElectionKvApi;
  readonly watchEvents: WatchEvents<{ type?: unknown; kv?: CandidateKv | undefined }>;
}

/**
 * The current leader (or undefined: none), then every change: a new leader, a proclamation, and undefined when
 * the leader is gone with no candidate waiting. A handover to a waiting candidate names it directly.
 */
export async function* observeLeaders(
  deps: ObserveDeps,
  name: Uint8Array,
  signal: AbortSignal | undefined,
): AsyncGenerator<ElectionLeader | undefined, void, undefined> {
  const prefix = new Uint8Array([...name, 0x2f]); // the server keeps candidates under `name/`
  const callOptions: CallOptions = signal === undefined ? {} : { signal };
  let last: ElectionLeader | undefined | null = null; // null: nothing reported yet
  for (;;) {
    const read = await deps.kv.range({ key: prefix, rangeEnd: prefixRangeEnd(prefix) }, callOptions);
    const candidates = new Map<string, CandidateKv>();
    for (const kv of read.kvs) candidates.set(keyOf(kv.key), kv);
    const revision = toBigInt(read.header?.revision ?? 0n);
    try {
      let leader = firstCreated(candidates);
      if (last === null || changed(last, leader)) yield (last = leader);
      const watch = deps.watchEvents({ key: prefix, prefix: true, startRevision: revision + 1n, signal });
      for await (const event of watch) {
        if (event.kv === undefined) continue;
        if (event.type === 'DELETE') candidates.delete(keyOf(event.kv.key));
        else candidates.set(keyOf(event.kv.key), event.kv);
        leader = firstCreated(candidates);
        if (changed(last, leader)) yield (last = leader);
      }
      return; // the watch ended without an error: only when the caller stopped it
    } catch (error) {
      if (!(error instanceof WatchCompactedError)) throw error;
    }
  }
}

function firstCreated(candidates: ReadonlyMap<string, CandidateKv>): ElectionLeader | undefined {
  let first: CandidateKv | undefined;
  for (const kv of candidates.values()) {
    if (first === undefined || toBigInt(kv.createRevision) < toBigInt(first.createRevision)) first = kv;
  }
  return first === undefined ? undefined : toLeader(first);
}

function changed(before: ElectionLeader | undefined, after: ElectionLeader | undefined): boolean {
  if (before === undefined || after === undefined) return before !== after;
  return keyOf(before.key) !== keyOf(after.key) || before.modRevision !== after.modRevision;
}

export function toLeader(kv: CandidateKv): ElectionLeader {
  return {
    key: kv.key,
    value: kv.value,
    lease: toBigInt(kv.lease),
    createRevision: toBigInt(kv.createRevision),
    modRevision: toBigInt(kv.modRevision),
  };
}

function keyOf(key: Uint8Array): string {
  return Array.from(key, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
