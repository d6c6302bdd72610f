// The everyday verbs: client.get / getText (a value or undefined), getPrefix / getPrefixText (a prefix read into
// a Map in key order), put, delete, deletePrefix. Thin over the generated KV service; text or bytes, as you like.
import { bytesToText, prefixRangeEnd } from '../../wire/bytes.js';
import type { BytesInput } from '../../wire/codec.js';
import type { Int64Input } from '../../wire/int64.js';
import { callOptions, headerRevision, type KeyValueShape, type KvHelperApi } from './api.js';

export interface CallControl {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export interface ReadOptions extends CallControl {
  /** Read the store as it was at this revision (default: the latest). */
  revision?: Int64Input | undefined;
  /** Answer from the member asked, without a quorum round (may be stale). */
  serializable?: boolean | undefined;
}

export interface PrefixReadOptions extends ReadOptions {
  /** At most this many keys (default: all; for large prefixes use `iterate`). */
  limit?: number | undefined;
}

export interface PutOptions extends CallControl {
  /** Attach the key to this lease: it is deleted when the lease ends. */
  lease?: Int64Input | undefined;
}

/** `client.get(key)`: the value, or undefined when the key does not exist. */
export type Get = (key: BytesInput, options?: ReadOptions) => Promise<Uint8Array | undefined>;
/** `client.getText(key)`: the value as UTF-8 text, or undefined when the key does not exist. */
export type GetText = (key: BytesInput, options?: ReadOptions) => Promise<string | undefined>;
/** `client.getPrefix(prefix)`: every key starting with `prefix` (as text) and its value, in key order. */
export type GetPrefix = (prefix: BytesInput, options?: PrefixReadOptions) => Promise<Map<string, Uint8Array>>;
/** `client.getPrefixText(prefix)`: every key starting with `prefix` and its value, both as text, in key order. */
export type GetPrefixText = (prefix: BytesInput, options?: PrefixReadOptions) => Promise<Map<string, string>>;
/** `client.put(key, value)`: writes the key; resolves to the revision of the write. */
export type Put = (key: BytesInput, value: BytesInput, options?: PutOptions) => Promise<bigint>;
/** `client.delete(key)`: deletes the key; resolves to whether it existed. */
export type Delete = (key: BytesInput, options?: CallControl) => Promise<boolean>;
/**
 * `client.deletePrefix(prefix)`: deletes every key starting with `prefix`; resolves to how many. An empty prefix
 * means every key, which is refused outside a (non-empty) namespace; in one, it empties the namespace.
 */
export type DeletePrefix = (prefix: BytesInput, options?: CallControl) => Promise<bigint>;

async function readValue<KV extends KeyValueShape>(
  api: KvHelperApi<KV>,
  key: BytesInput,
  options: ReadOptions = {},
): Promise<Uint8Array | undefined> {
  const { kvs } = await api.kv.range({ key, ...readFields(options) }, callOptions(options));
  return kvs[0]?.value;
}

async function readPrefix<KV extends KeyValueShape>(
  api: KvHelperApi<KV>,
  prefix: BytesInput,
  options: PrefixReadOptions = {},
): Promise<KV[]> {
  const request = { key: prefix, rangeEnd: prefixRangeEnd(prefix), ...readFields(options) };
  if (options.limit !== undefined) checkLimit(options.limit);
  const { kvs } = await api.kv.range(
    options.limit === undefined ? request : { ...request, limit: options.limit },
    callOptions(options),
  );
  return kvs;
}

function readFields(options: ReadOptions): { revision?: Int64Input; serializable?: boolean } {
  const fields: { revision?: Int64Input; serializable?: boolean } = {};
  if (options.revision !== undefined) fields.revision = options.revision;
  if (options.serializable === true) fields.serializable = true;
  return fields;
}

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`getPrefix: limit must be a positive whole number, got ${String(limit)}`);
  }
}

export function createGet<KV extends KeyValueShape>(api: KvHelperApi<KV>): Get {
  return (key, options) => readValue(api, key, options);
}

export function createGetText<KV extends KeyValueShape>(api: KvHelperApi<KV>): GetText {
  return async (key, options) => {
    const value = await readValue(api, key, options);
    return value === undefined ? undefined : bytesToText(value);
  };
}

export function createGetPrefix<KV extends KeyValueShape>(api: KvHelperApi<KV>): GetPrefix {
  return async (prefix, options) =>
    new Map((await readPrefix(api, prefix, options)).map((kv) => [bytesToText(kv.key), kv.value]));
}

export function createGetPrefixText<KV extends KeyValueShape>(api: KvHelperApi<KV>): GetPrefixText {
  return async (prefix, options) =>
    new Map((await readPrefix(api, prefix, options)).map((kv) => [bytesToText(kv.key), bytesToText(kv.value)]));
}

export function createPut<KV extends KeyValueShape>(api: KvHelperApi<KV>): Put {
  return async (key, value, options = {}) => {
    const request = options.lease === undefined ? { key, value } : { key, value, lease: options.lease };
    return headerRevision((await api.kv.put(request, callOptions(options))).header);
  };
}

export function createDelete<KV extends KeyValueShape>(api: KvHelperApi<KV>): Delete {
  return async (key, options) => {
    const { deleted } = await api.kv.deleteRange({ key }, callOptions(options));
    return BigInt(deleted) > 0n;
  };
}

export function createDeletePrefix<KV extends KeyValueShape>(api: KvHelperApi<KV>): DeletePrefix {
  return async (prefix, options) => {
    if (prefix.length === 0 && !((api.transport.keyspace?.prefix.length ?? 0) > 0)) {
      throw new TypeError(
        "deletePrefix: an empty prefix would delete every key; use kv.deleteRange({ key: '\\0', rangeEnd: '\\0' }) for that",
      );
    }
    const key = prefix.length === 0 ? '\0' : prefix;
    const { deleted } = await api.kv.deleteRange({ key, rangeEnd: prefixRangeEnd(prefix) }, callOptions(options));
    return BigInt(deleted);
  };
}
