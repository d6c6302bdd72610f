/**
 * The episode's traffic, deterministic for a seed: each client is a `createClient` over every member's proxy and
 * sends one operation at a time until told to stop. Everything it sees goes into the recorder.
 */
import WebSocket from 'ws';
import { bytesToText, createClient, EtcdError, Op, prefixRangeEnd, type KeyValue } from '../../generated/index.js';
import type { Kv, KvInput, KvOperation, KvOutput, LockHold, MirrorSnapshot, Outcome, WatchRecord, WatchedEvent } from './history.js';
import { now } from './history.js';
import type { Random } from './random.js';
import { sleep, within } from '../helpers/wait.js';

export type Client = ReturnType<typeof createClient>;

export const KV_PREFIX = 'kv/';
export const BANK_PREFIX = 'bank/';
export const BANK_ACCOUNTS = 5;
export const BANK_BALANCE = 100;
const KEYS = Array.from({ length: 8 }, (_, i) => `${KV_PREFIX}${i}`);

export interface Recorder {
  readonly operations: KvOperation[];
  readonly watches: WatchRecord[];
  readonly locks: LockHold[];
  readonly mirrors: MirrorSnapshot[];
  /** Successful operations' return times by client, for recovery times. */
  readonly successes: { client: string; at: number }[];
  failures: number;
  resumes: number;
  nextId: number;
}

export function createRecorder(): Recorder {
  return { operations: [], watches: [], locks: [], mirrors: [], successes: [], failures: 0, resumes: 0, nextId: 0 };
}

/** Client options for the traffic: short deadlines, so a fault is felt and recovered from within an episode. */
export function trafficClient(endpoints: readonly string[], websocket: boolean, recorder: Recorder): Client {
  return createClient({
    endpoints: [...endpoints],
    WebSocket: websocket ? (WebSocket as never) : null,
    timeoutMs: 1_500,
    retry: { deadlineMs: 3_000, initialBackoffMs: 25, maxBackoffMs: 250 },
    liveness: { quietMs: 500, timeoutMs: 700 },
    watchKeepalive: { intervalMs: 1_000, timeoutMs: 1_000 },
    observe: (event) => {
      if (event.type === 'reconnect' && event.outcome === 'ok') recorder.resumes++;
    },
  });
}

export function toKv(kv: KeyValue): Kv & { readonly lease: string } {
  return {
    key: bytesToText(kv.key),
    value: bytesToText(kv.value),
    mod: Number(kv.modRevision),
    create: Number(kv.createRevision),
    version: Number(kv.version),
    lease: kv.lease.toString(),
  };
}

/** Refused by the server (so surely not applied), as opposed to an answer that never came. */
function refused(error: unknown): boolean {
  return error instanceof EtcdError && ['NOT_FOUND', 'INVALID_ARGUMENT', 'OUT_OF_RANGE', 'FAILED_PRECONDITION'].includes(error.codeName);
}

const WRITES = new Set<KvInput['kind']>(['put', 'delete', 'txn', 'revoke', 'grant']);

async function record(rec: Recorder, client: string, input: KvInput, run: () => Promise<KvOutput>): Promise<KvOutput | undefined> {
  const id = rec.nextId++;
  const call = now();
  try {
    const output = await run();
    const ret = now();
    rec.operations.push({ id, client, input, call, ret, output, outcome: 'ok' });
    rec.successes.push({ client, at: ret });
    return output;
  } catch (error) {
    const outcome: Outcome = WRITES.has(input.kind) && !refused(error) ? 'ambiguous' : 'failed';
    rec.failures++;
    rec.operations.push({ id, client, input, call, ret: now(), error: errorText(error), outcome });
    return undefined;
  }
}

export function errorText(error: unknown): string {
  if (error instanceof EtcdError) return `${error.codeName}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** One KV client: reads, writes with unique values, txns, leases and idempotent puts, one at a time. */
export async function kvClient(name: string, client: Client, random: Random, rec: Recorder, stop: () => boolean): Promise<void> {
  let seq = 0;
  const value = (): string => `${name}-${++seq}`;
  const leases: string[] = [];
  const mods = new Map<string, number>();
  while (!stop()) {
    const roll = random.next();
    const key = random.pick(KEYS);
    if (roll < 0.17) {
      const serializable = random.chance(0.2);
      const out = await record(rec, name, { kind: 'get', key, serializable }, async () => {
        const r = await client.kv.range({ key, serializable });
        return { revision: Number(r.header?.revision ?? 0), kvs: r.kvs.map(toKv) };
      });
      for (const kv of out?.kvs ?? []) mods.set(kv.key, kv.mod);
      if (out !== undefined && out.kvs?.length === 0) mods.set(key, 0);
    } else if (roll < 0.25) {
      const serializable = random.chance(0.3);
      await record(rec, name, { kind: 'range', prefix: KV_PREFIX, serializable }, async () => {
        const r = await client.kv.range({ key: KV_PREFIX, rangeEnd: prefixRangeEnd(KV_PREFIX), serializable });
        return { revision: Number(r.header?.revision ?? 0), kvs: r.kvs.map(toKv) };
      });
    } else if (roll < 0.29) {
      await record(rec, name, { kind: 'iterate', prefix: KV_PREFIX }, async () => {
        const kvs: Kv[] = [];
        for await (const kv of client.iterate({ key: KV_PREFIX, prefix: true, pageSize: 3 })) kvs.push(toKv(kv));
        return { revision: -1, kvs };
      });
    } else if (roll < 0.55) {
      const v = value();
      await record(rec, name, { kind: 'put', key, value: v }, async () => {
        const r = await client.kv.put({ key, value: v });
        return { revision: Number(r.header?.revision ?? 0) };
      });
    } else if (roll < 0.62) {
      const v = value();
      await record(rec, name, { kind: 'put', key, value: v, idempotent: true }, async () => {
        const r = await client.kv.put({ key, value: v }, { idempotent: true });
        return { revision: Number(r.header?.revision ?? 0) };
      });
    } else if (roll < 0.69) {
      const out = await record(rec, name, { kind: 'delete', key }, async () => {
        const r = await client.kv.deleteRange({ key });
        return { revision: Number(r.header?.revision ?? 0), deleted: Number(r.deleted) };
      });
      if (out !== undefined) mods.set(key, 0);
    } else if (roll < 0.77) {
      const other = random.pick(KEYS.filter((k) => k !== key));
      const v = value();
      const input: KvInput = { kind: 'txn', compares: [], then: [{ type: 'put', key, value: v }, { type: 'delete', key: other }], else: [] };
      await record(rec, name, input, async () => {
        const r = await client.txn().then(Op.put(key, v), Op.delete(other)).commit();
        return { revision: Number(r.revision), succeeded: r.succeeded };
      });
    } else if (roll < 0.87) {
      const expected = mods.get(key) ?? 0;
      const v = value();
      const input: KvInput = { kind: 'txn', compares: [{ key, target: 'mod', equals: expected }], then: [{ type: 'put', key, value: v }], else: [] };
      const out = await record(rec, name, input, async () => {
        const r = await client.txn().if(key, 'mod', '==', expected).then(Op.put(key, v)).else(Op.get(key)).commit();
        return { revision: Number(r.revision), succeeded: r.succeeded };
      });
      if (out?.succeeded === true) mods.set(key, out.revision);
      else mods.delete(key);
    } else if (roll < 0.91) {
      const out = await record(rec, name, { kind: 'grant' }, async () => {
        const r = await client.lease.grant({ TTL: 120 });
        return { revision: Number(r.header?.revision ?? 0), lease: r.ID.toString() };
      });
      if (out?.lease !== undefined) leases.push(out.lease);
    } else if (roll < 0.97 && leases.length > 0) {
      const lease = random.pick(leases);
      const v = value();
      await record(rec, name, { kind: 'put', key, value: v, lease }, async () => {
        const r = await client.kv.put({ key, value: v, lease: BigInt(lease) });
        return { revision: Number(r.header?.revision ?? 0) };
      });
    } else if (leases.length > 0) {
      const lease = leases.splice(random.int(0, leases.length - 1), 1)[0]!;
      await record(rec, name, { kind: 'revoke', lease }, async () => {
        const r = await client.lease.revoke({ ID: BigInt(lease) });
        return { revision: Number(r.header?.revision ?? 0) };
      });
    }
  }
}

/** Watches of the KV keys, one after another: from now, from a past or a future revision, with progress requests. */
export async function watchClient(
  name: string,
  client: Client,
  transport: 'websocket' | 'post',
  random: Random,
  rec: Recorder,
  stop: () => boolean,
  revisionNow: () => number,
  compactedTo: () => number,
): Promise<void> {
  let n = 0;
  while (!stop()) {
    const roll = random.next();
    const current = revisionNow();
    const startRevision =
      roll < 0.4 || current < 2 ? undefined : roll < 0.8 ? random.int(Math.max(compactedTo(), 1), current) : current + random.int(1, 5);
    const w: WatchRecord = { id: `${name}#${++n}`, client: name, transport, prefix: KV_PREFIX, prevKv: true, startRevision, events: [], progress: [], resumes: 0 };
    rec.watches.push(w);
    const abort = new AbortController();
    const watch = client.watchEvents({ key: KV_PREFIX, prefix: true, prevKv: true, ...(startRevision ? { startRevision } : {}), signal: abort.signal });
    const resumesBefore = rec.resumes;
    const consume = (async () => {
      try {
        w.created = Number(await watch.created);
        for await (const e of watch) {
          const event: WatchedEvent = {
            type: e.type === 'DELETE' ? 'DELETE' : 'PUT',
            key: bytesToText(e.kv!.key),
            value: bytesToText(e.kv!.value),
            mod: Number(e.kv!.modRevision),
            prevValue: e.prevKv ? bytesToText(e.prevKv.value) : undefined,
            prevMod: e.prevKv ? Number(e.prevKv.modRevision) : undefined,
            at: now(),
          };
          w.events.push(event);
        }
        w.end = { closed: true };
      } catch (error) {
        if (abort.signal.aborted) w.end = { closed: true };
        else {
          const compactRevision = (error as { compactRevision?: bigint }).compactRevision;
          w.end = { error: errorText(error), compactRevision: compactRevision === undefined ? undefined : Number(compactRevision) };
        }
      }
    })();
    const until = now() + random.int(800, 2_000);
    while (!stop() && now() < until && w.end === undefined) {
      await sleep(random.int(100, 300));
      if (w.end !== undefined) break;
      const progress = await within(watch.requestProgress(), 1_500, 'a progress request').catch(() => undefined);
      if (progress !== undefined) w.progress.push({ revision: Number(progress), afterEvents: w.events.length, at: now() });
    }
    // Stopped by its signal, as a user stops a watch from another task: the iteration ends by itself, at a
    // revision boundary (return() from here would end it at once, possibly between two events of one txn).
    abort.abort();
    await within(consume, 5_000, `${w.id}: the watch loop, after its signal's abort,`);
    await watch.return().catch(() => undefined);
    w.resumes = rec.resumes - resumesBefore;
  }
}

/** A mirror of the KV keys; its map is photographed now and then (the check compares it to the store at its revision). */
export async function mirrorClient(client: Client, rec: Recorder, stop: () => boolean): Promise<void> {
  const mirror = client.mirror({ key: KV_PREFIX, prefix: true });
  try {
    await mirror.ready;
    while (!stop()) {
      await sleep(250);
      const entries = new Map<string, { value: string; mod: number }>();
      for (const [key, kv] of mirror.entries) entries.set(key, { value: bytesToText(kv.value), mod: Number(kv.modRevision) });
      rec.mirrors.push({ at: now(), revision: Number(mirror.revision), entries });
    }
  } catch {
    rec.failures++;
  } finally {
    mirror.close();
  }
}

/** STM transfers between the bank's accounts; the total must hold at every revision. */
export async function bankClient(name: string, client: Client, random: Random, rec: Recorder, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const from = `${BANK_PREFIX}${random.int(0, BANK_ACCOUNTS - 1)}`;
    const to = `${BANK_PREFIX}${random.int(0, BANK_ACCOUNTS - 1)}`;
    const amount = random.int(1, 20);
    if (from === to) continue;
    try {
      await client.stm(async (tx) => {
        const a = Number(await tx.getText(from));
        const b = Number(await tx.getText(to));
        if (a < amount) return;
        tx.put(from, String(a - amount));
        tx.put(to, String(b + amount));
      });
      rec.successes.push({ client: name, at: now() });
    } catch {
      rec.failures++;
    }
  }
}

/** Critical sections under withLock: each records when it held the lock and its fencing revision. */
export async function lockClient(name: string, client: Client, random: Random, rec: Recorder, stop: () => boolean): Promise<void> {
  while (!stop()) {
    try {
      await client.withLock('lock/one', async (_signal, lock) => {
        const enter = now();
        const r = await client.kv.range({ key: lock.key });
        const fence = Number(r.kvs[0]?.createRevision ?? 0);
        await sleep(random.int(5, 40));
        rec.locks.push({ client: name, enter, exit: now(), fence });
      }, { ttl: 30 });
      rec.successes.push({ client: name, at: now() });
    } catch {
      rec.failures++;
    }
  }
}
