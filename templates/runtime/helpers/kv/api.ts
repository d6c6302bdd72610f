// The part of the generated KV service the everyday helpers (verbs, txn builder, iterate, stm, mirror) call, typed
// structurally: request shapes are wide and response shapes ask only for fields every etcd version's spec has, so
// a client generated from any version fits, and helpers never import generated code.
import type { BytesInput } from '../../wire/codec.js';
import type { Int64Input } from '../../wire/int64.js';
import type { CallOptions, Transport } from '../../types.js';
import type { Int64Output } from '../../wire/int64.js';

/** A decoded KeyValue as every version's generated models have it. */
export interface KeyValueShape {
  key: Uint8Array;
  value: Uint8Array;
  createRevision: Int64Output;
  modRevision: Int64Output;
  version: Int64Output;
  lease: Int64Output;
}

export interface HeaderShape {
  revision: Int64Output;
}

export interface RangeRequestShape {
  key?: BytesInput | undefined;
  rangeEnd?: BytesInput | undefined;
  limit?: Int64Input | undefined;
  revision?: Int64Input | undefined;
  serializable?: boolean | undefined;
  keysOnly?: boolean | undefined;
  countOnly?: boolean | undefined;
}

export interface RangeResponseShape<KV> {
  header?: HeaderShape | undefined;
  kvs: KV[];
  more: boolean;
  count: Int64Output;
}

export interface PutRequestShape {
  key?: BytesInput | undefined;
  value?: BytesInput | undefined;
  lease?: Int64Input | undefined;
  prevKv?: boolean | undefined;
}

export interface DeleteRangeRequestShape {
  key?: BytesInput | undefined;
  rangeEnd?: BytesInput | undefined;
  prevKv?: boolean | undefined;
}

export interface CompareShape {
  result?: string | number | undefined;
  target?: string | number | undefined;
  key?: BytesInput | undefined;
  version?: Int64Input | undefined;
  createRevision?: Int64Input | undefined;
  modRevision?: Int64Input | undefined;
  value?: BytesInput | undefined;
  lease?: Int64Input | undefined;
}

export interface RequestOpShape {
  requestRange?: RangeRequestShape | undefined;
  requestPut?: PutRequestShape | undefined;
  requestDeleteRange?: DeleteRangeRequestShape | undefined;
  requestTxn?: TxnRequestShape | undefined;
}

export interface TxnRequestShape {
  compare?: readonly CompareShape[] | undefined;
  success?: readonly RequestOpShape[] | undefined;
  failure?: readonly RequestOpShape[] | undefined;
}

export interface ResponseOpShape<KV> {
  responseRange?: RangeResponseShape<KV> | undefined;
  responsePut?: { prevKv?: KV | undefined } | undefined;
  responseDeleteRange?: { deleted: Int64Output; prevKvs?: KV[] | undefined } | undefined;
  responseTxn?: TxnResponseShape<KV> | undefined;
}

export interface TxnResponseShape<KV> {
  header?: HeaderShape | undefined;
  succeeded: boolean;
  responses: ResponseOpShape<KV>[];
}

/** The generated KV service, as the helpers see it. */
/**
 * The generated KV service as the helpers use it. Requests are optional as in the generated services (every proto3
 * field is), which also keeps the parameter types comparable both ways.
 */
export interface KvApi<KV extends KeyValueShape> {
  range(request?: RangeRequestShape, options?: CallOptions): Promise<RangeResponseShape<KV>>;
  put(request?: PutRequestShape, options?: CallOptions): Promise<{ header?: HeaderShape | undefined }>;
  deleteRange(
    request?: DeleteRangeRequestShape,
    options?: CallOptions,
  ): Promise<{ header?: HeaderShape | undefined; deleted: Int64Output }>;
  txn(request?: TxnRequestShape, options?: CallOptions): Promise<TxnResponseShape<KV>>;
}

export interface KvHelperApi<KV extends KeyValueShape> {
  readonly transport: Transport;
  readonly kv: KvApi<KV>;
}

/** The revision of a response header (0 when the header is missing). */
export function headerRevision(header: HeaderShape | undefined): bigint {
  const revision = header?.revision;
  return revision === undefined ? 0n : typeof revision === 'bigint' ? revision : BigInt(revision);
}

/** Only the call options that are set (exactOptionalPropertyTypes). */
export function callOptions(
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined } = {},
): CallOptions {
  const call: CallOptions = {};
  if (options.signal !== undefined) call.signal = options.signal;
  if (options.timeoutMs !== undefined) call.timeoutMs = options.timeoutMs;
  return call;
}
