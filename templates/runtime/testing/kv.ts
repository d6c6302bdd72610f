// KV as etcd's server applies it: Range (revisions, limits, sorting, filters), Put, DeleteRange, Txn (compares on
// value, version, create, mod and lease; nested txns; at most 128 operations a branch) and Compact.
import { ETCD_ERRORS } from './failure.js';
import type { Batch, KeyValue, Store } from './store.js';
import { b64, bytes, compact, enumName, flag, id, int, object, type Json } from './wire.js';

/** What KV needs from the rest of the fake: leases to attach keys to, and the caller's permissions. */
export interface KvContext {
  readonly store: Store;
  header(): Json;
  /** Throws unless the lease exists; records the key on it. */
  attach(lease: bigint, key: string): void;
  /** Throws PERMISSION_DENIED unless the caller may read (or write) [key, end). */
  allow(mode: 'read' | 'write', key: string, end: string): void;
}

export const MAX_TXN_OPS = 128;

export function kvJson(kv: KeyValue, keysOnly = false): Json {
  return compact({
    key: b64(kv.key),
    create_revision: String(kv.create),
    mod_revision: String(kv.mod),
    version: String(kv.version),
    value: keysOnly ? '' : b64(kv.value),
    lease: String(kv.lease),
  });
}

const SORT_ORDER = ['NONE', 'ASCEND', 'DESCEND'] as const;
const SORT_TARGET = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'] as const;

function requireKey(request: Json): string {
  const key = bytes(request, 'key');
  if (key === '') throw ETCD_ERRORS.keyNotProvided();
  return key;
}

export function range(ctx: KvContext, request: Json, batch?: Batch): Json {
  const key = requireKey(request);
  const end = bytes(request, 'range_end');
  ctx.allow('read', key, end);
  const revision = int(request, 'revision');
  ctx.store.checkRevision(revision);
  const at = batch ? batch.rev : revision > 0 ? revision : ctx.store.revision;
  const all = ctx.store.range(key, end, at);
  const [minMod, maxMod, minCreate, maxCreate] = [
    'min_mod_revision',
    'max_mod_revision',
    'min_create_revision',
    'max_create_revision',
  ].map((n) => int(request, n));
  let kvs = all.filter(
    (kv) =>
      (!minMod || kv.mod >= minMod!) &&
      (!maxMod || kv.mod <= maxMod!) &&
      (!minCreate || kv.create >= minCreate!) &&
      (!maxCreate || kv.create <= maxCreate!),
  );
  let order = enumName(request, 'sort_order', SORT_ORDER);
  const target = enumName(request, 'sort_target', SORT_TARGET);
  if (order === 'NONE' && target !== 'KEY') order = 'ASCEND';
  if (order !== 'NONE') {
    const by = (kv: KeyValue): string | number =>
      target === 'KEY'
        ? kv.key
        : target === 'VALUE'
          ? kv.value
          : target === 'VERSION'
            ? kv.version
            : target === 'CREATE'
              ? kv.create
              : kv.mod;
    kvs = [...kvs].sort((a, b) => (by(a) < by(b) ? -1 : by(a) > by(b) ? 1 : 0) * (order === 'DESCEND' ? -1 : 1));
  }
  const limit = int(request, 'limit');
  if (limit > 0 && kvs.length > limit) kvs = kvs.slice(0, limit);
  const countOnly = flag(request, 'count_only');
  return compact({
    header: ctx.header(),
    kvs: countOnly ? [] : kvs.map((kv) => kvJson(kv, flag(request, 'keys_only'))),
    more: !countOnly && all.length > kvs.length,
    count: String(all.length),
  });
}

function putIn(ctx: KvContext, batch: Batch, request: Json): Json {
  const key = requireKey(request);
  ctx.allow('write', key, '');
  const current = ctx.store.get(key, batch.rev);
  const ignoreValue = flag(request, 'ignore_value');
  const ignoreLease = flag(request, 'ignore_lease');
  if ((ignoreValue || ignoreLease) && !current) throw ETCD_ERRORS.keyNotFound();
  const lease = ignoreLease ? current!.lease : id(request, 'lease');
  if (lease !== 0n) ctx.attach(lease, key);
  const { prev } = batch.put(key, ignoreValue ? current!.value : bytes(request, 'value'), lease);
  return compact({ header: ctx.header(), prev_kv: flag(request, 'prev_kv') && prev ? kvJson(prev) : undefined });
}

function deleteIn(ctx: KvContext, batch: Batch, request: Json): Json {
  const key = requireKey(request);
  const end = bytes(request, 'range_end');
  ctx.allow('write', key, end);
  const gone = batch.delete(key, end);
  return compact({
    header: ctx.header(),
    deleted: String(gone.length),
    prev_kvs: flag(request, 'prev_kv') ? gone.map((kv) => kvJson(kv)) : [],
  });
}

export function put(ctx: KvContext, request: Json): Json {
  requireKey(request);
  return withHeader(
    ctx,
    ctx.store.write((batch) => putIn(ctx, batch, request)),
  );
}

export function deleteRange(ctx: KvContext, request: Json): Json {
  requireKey(request);
  return withHeader(
    ctx,
    ctx.store.write((batch) => deleteIn(ctx, batch, request)),
  );
}

/** The header after the write (its revision is the write's). */
function withHeader(ctx: KvContext, response: Json): Json {
  return { ...response, header: ctx.header() };
}

const COMPARE_RESULT = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'] as const;
const COMPARE_TARGET = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'] as const;

function compareHolds(ctx: KvContext, batch: Batch, compare: Json): boolean {
  const key = bytes(compare, 'key');
  const end = bytes(compare, 'range_end');
  const result = enumName(compare, 'result', COMPARE_RESULT);
  const target = enumName(compare, 'target', COMPARE_TARGET);
  ctx.allow('read', key, end);
  // etcd picks every branch, nested ones included, before applying anything: compares see the store before the txn.
  const kvs = ctx.store.range(key, end, batch.rev - 1);
  if (end === '' && kvs.length === 0) {
    if (target === 'VALUE') return false; // a missing key has no value to compare
    kvs.push({ key, value: '', create: 0, mod: 0, version: 0, lease: 0n });
  }
  return kvs.every((kv) => {
    let [have, want]: [string | bigint, string | bigint] = ['', ''];
    if (target === 'VALUE') [have, want] = [kv.value, bytes(compare, 'value')];
    else if (target === 'LEASE') [have, want] = [kv.lease, id(compare, 'lease')];
    else {
      const name = target === 'VERSION' ? 'version' : target === 'CREATE' ? 'create_revision' : 'mod_revision';
      [have, want] = [
        BigInt(target === 'VERSION' ? kv.version : target === 'CREATE' ? kv.create : kv.mod),
        id(compare, name),
      ];
    }
    if (result === 'EQUAL') return have === want;
    if (result === 'NOT_EQUAL') return have !== want;
    return result === 'GREATER' ? have > want : have < want;
  });
}

function checkOps(request: Json): void {
  for (const branch of ['success', 'failure']) {
    const ops = (request[branch] as Json[] | undefined) ?? [];
    if (ops.length > MAX_TXN_OPS) throw ETCD_ERRORS.tooManyOps();
    for (const op of ops) {
      const nested = object(op, 'request_txn');
      if (nested) checkOps(nested);
    }
  }
}

function txnIn(ctx: KvContext, batch: Batch, request: Json): Json {
  const compares = (request['compare'] as Json[] | undefined) ?? [];
  const succeeded = compares.every((c) => compareHolds(ctx, batch, c));
  const ops = (request[succeeded ? 'success' : 'failure'] as Json[] | undefined) ?? [];
  const responses = ops.map((op): Json => {
    const r = object(op, 'request_range');
    if (r) return { response_range: { ...range(ctx, r, batch), header: {} } };
    const p = object(op, 'request_put');
    if (p) return { response_put: { ...putIn(ctx, batch, p), header: {} } };
    const d = object(op, 'request_delete_range');
    if (d) return { response_delete_range: { ...deleteIn(ctx, batch, d), header: {} } };
    const t = object(op, 'request_txn');
    if (t) return { response_txn: { ...txnIn(ctx, batch, t), header: {} } };
    return {};
  });
  return compact({ header: ctx.header(), succeeded, responses });
}

export function txn(ctx: KvContext, request: Json): Json {
  checkOps(request);
  return withHeader(
    ctx,
    ctx.store.write((batch) => txnIn(ctx, batch, request)),
  );
}

export function compaction(ctx: KvContext, request: Json): Json {
  ctx.store.compact(int(request, 'revision'));
  return { header: ctx.header() };
}
