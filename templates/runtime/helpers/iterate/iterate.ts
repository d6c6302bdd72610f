// client.iterate({ key, prefix | rangeEnd, pageSize }): a large range read page by page in key order, every page at
// the first page's revision, so the result is the range exactly as it was then while others keep writing, and
// memory holds one page at a time. A compaction past that revision mid-way throws EtcdCompactedError.
import { rangeEndOf, type KeyRangeOptions } from '../../wire/range.js';
import type { BytesInput } from '../../wire/codec.js';
import type { Int64Input } from '../../wire/int64.js';
import { joinBytes } from '../../core/keyspace.js';
import {
  callOptions,
  headerRevision,
  type KeyValueShape,
  type KvApi,
  type KvHelperApi,
  type RangeRequestShape,
} from '../kv/api.js';

export interface IterateOptions extends KeyRangeOptions {
  /** Keys per request (default 500). */
  pageSize?: number | undefined;
  /** Read the range as it was at this revision (default: the revision of the first page). */
  revision?: Int64Input | undefined;
  /** Leave the values out. */
  keysOnly?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** `client.iterate(options)`: the range's key-values in key order, one page in memory at a time. */
export type Iterate<KV> = (options: IterateOptions) => AsyncGenerator<KV, void, undefined>;

const DEFAULT_PAGE_SIZE = 500;

export function createIterate<KV extends KeyValueShape>(api: KvHelperApi<KV>): Iterate<KV> {
  return (options) => iterateRange(api.kv, options);
}

/** The iteration itself, for helpers that hold only the KV service (mirror). */
export async function* iterateRange<KV extends KeyValueShape>(
  kv: KvApi<KV>,
  options: IterateOptions,
  onRevision?: (revision: bigint) => void,
): AsyncGenerator<KV, void, undefined> {
  const { key, rangeEnd, pageSize } = checkIterate(options);
  const fixed: RangeRequestShape = { limit: pageSize };
  if (rangeEnd !== undefined) fixed.rangeEnd = rangeEnd;
  if (options.keysOnly === true) fixed.keysOnly = true;
  let revision = options.revision === undefined ? undefined : BigInt(options.revision);
  let from: BytesInput = key;
  for (;;) {
    const request: RangeRequestShape = { ...fixed, key: from };
    if (revision !== undefined) request.revision = revision;
    const page = await kv.range(request, callOptions({ signal: options.signal }));
    if (revision === undefined) {
      revision = headerRevision(page.header);
      onRevision?.(revision);
    }
    for (const item of page.kvs) {
      yield item;
      options.signal?.throwIfAborted();
    }
    const last = page.kvs[page.kvs.length - 1];
    if (!page.more || last === undefined || rangeEnd === undefined) return;
    from = joinBytes(last.key, new Uint8Array([0])); // the smallest key after the last one
  }
}

function checkIterate(options: IterateOptions): {
  key: BytesInput;
  rangeEnd: BytesInput | undefined;
  pageSize: number;
} {
  if (typeof options !== 'object' || options === null) throw new TypeError('iterate: options must be an object');
  const { key, prefix, rangeEnd } = options;
  if (typeof key !== 'string' && !(key instanceof Uint8Array))
    throw new TypeError('iterate: key must be a string or a Uint8Array');
  const end = rangeEndOf('iterate', key, { prefix, rangeEnd });
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize <= 0) {
    throw new RangeError(`iterate: pageSize must be a positive whole number, got ${String(pageSize)}`);
  }
  return { key, rangeEnd: end, pageSize };
}
