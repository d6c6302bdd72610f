// v3lock and v3election as etcd's server builds them on KV (clientv3/concurrency): a lock or a candidacy is the key
// `<name>/<lease in hex>` under the caller's lease; it is held once every key of the prefix created before it is
// gone. The leader is the prefix's oldest key.
import type { KvContext } from './kv.js';
import { kvJson } from './kv.js';
import { ETCD_ERRORS } from './failure.js';
import type { KeyValue } from './store.js';
import type { FakeStream } from './stream.js';
import { b64, bytes, compact, id, int, object, type Json } from './wire.js';

function prefixEnd(prefix: string): string {
  let end = prefix;
  while (end.length > 0) {
    const last = end.charCodeAt(end.length - 1);
    if (last < 0xff) return end.slice(0, -1) + String.fromCharCode(last + 1);
    end = end.slice(0, -1);
  }
  return '\0';
}

/** Puts `<prefix><lease hex>` unless there, then waits until no older key of the prefix is left. */
async function acquire(
  ctx: KvContext,
  name: string,
  lease: bigint,
  value: string | undefined,
  signal: AbortSignal,
): Promise<KeyValue> {
  const prefix = `${name}/`;
  const key = prefix + lease.toString(16);
  const mine = ctx.store.write((batch) => {
    const existing = ctx.store.get(key, batch.rev);
    if (existing && (value === undefined || existing.value === value)) return existing;
    ctx.attach(lease, key);
    batch.put(key, value ?? existing?.value ?? '', lease);
    return ctx.store.get(key, batch.rev)!;
  });
  const end = prefixEnd(prefix);
  await new Promise<void>((resolve, reject) => {
    const check = (): boolean => {
      const current = ctx.store.get(key);
      if (!current || current.create !== mine.create) {
        reject(ETCD_ERRORS.sessionExpired());
        return true;
      }
      if (ctx.store.range(prefix, end).some((kv) => kv.create < mine.create)) return false;
      resolve();
      return true;
    };
    if (check()) return;
    const unsubscribe = ctx.store.subscribe(() => void (check() && done()));
    const abort = (): void => {
      done();
      ctx.store.write((batch) => batch.delete(key, ''));
      reject(signal.reason);
    };
    const done = (): void => {
      unsubscribe();
      signal.removeEventListener('abort', abort);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
  return ctx.store.get(key)!;
}

export async function lock(ctx: KvContext, request: Json, signal: AbortSignal): Promise<Json> {
  const kv = await acquire(ctx, bytes(request, 'name'), id(request, 'lease'), undefined, signal);
  return { header: ctx.header(), key: b64(kv.key) };
}

export function unlock(ctx: KvContext, request: Json): Json {
  ctx.store.write((batch) => batch.delete(bytes(request, 'key'), ''));
  return { header: ctx.header() };
}

function leaderKey(name: string, kv: KeyValue): Json {
  return compact({ name: b64(name), key: b64(kv.key), rev: String(kv.create), lease: String(kv.lease) });
}

export async function campaign(ctx: KvContext, request: Json, signal: AbortSignal): Promise<Json> {
  const name = bytes(request, 'name');
  const kv = await acquire(ctx, name, id(request, 'lease'), bytes(request, 'value'), signal);
  return { header: ctx.header(), leader: leaderKey(name, kv) };
}

/** The leader's key: the oldest of the election's prefix. */
function leaderOf(ctx: KvContext, name: string): KeyValue | undefined {
  const prefix = `${name}/`;
  return ctx.store.range(prefix, prefixEnd(prefix)).sort((a, b) => a.create - b.create)[0];
}

export function proclaim(ctx: KvContext, request: Json): Json {
  const leader = object(request, 'leader');
  const key = bytes(leader, 'key');
  const current = ctx.store.get(key);
  if (!current || current.create !== int(leader, 'rev')) throw ETCD_ERRORS.notLeader();
  ctx.store.write((batch) => batch.put(key, bytes(request, 'value'), current.lease));
  return { header: ctx.header() };
}

export function resign(ctx: KvContext, request: Json): Json {
  const leader = object(request, 'leader');
  const key = bytes(leader, 'key');
  if (ctx.store.get(key)?.create === int(leader, 'rev')) ctx.store.write((batch) => batch.delete(key, ''));
  return { header: ctx.header() };
}

export function leader(ctx: KvContext, request: Json): Json {
  const kv = leaderOf(ctx, bytes(request, 'name'));
  if (!kv) throw ETCD_ERRORS.noLeader();
  return { header: ctx.header(), kv: kvJson(kv) };
}

/** Observe: the leader's key each time it changes (a new leader or a proclaimed value); never "no leader". */
export function observe(ctx: KvContext, request: Json, stream: FakeStream): void {
  const name = bytes(request, 'name');
  let last: KeyValue | undefined;
  const tell = (): void => {
    const kv = leaderOf(ctx, name);
    if (!kv || (last && last.key === kv.key && last.mod === kv.mod)) return;
    last = kv;
    stream.push({ header: ctx.header(), kv: kvJson(kv) });
  };
  tell();
  stream.onClose(ctx.store.subscribe(tell));
}
