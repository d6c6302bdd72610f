// client.txn(): a transaction builder whose types rule out the two traps of proto-shaped txns: every comparison
// names its target (a Compare without `target: 'VALUE'` silently compares versions), and every operation is one
// kind (a RequestOp with both requestPut and requestDeleteRange silently runs one of them).
//
//   await client.txn()
//     .if('config/x', 'value', '==', 'v1')
//     .if('config/lock', 'create', '>', 0)
//     .then(Op.put('config/x', 'v2'), Op.delete('config/old'))
//     .else(Op.get('config/x'))
//     .commit();
import { rangeEndOf, type RangeOptions } from '../../wire/range.js';
import type { BytesInput } from '../../wire/codec.js';
import type { Int64Input } from '../../wire/int64.js';
import type { CallOptions } from '../../types.js';
import {
  callOptions,
  headerRevision,
  type CompareShape,
  type KeyValueShape,
  type KvHelperApi,
  type RequestOpShape,
  type ResponseOpShape,
  type TxnRequestShape,
} from './api.js';

/** `'!='` needs etcd 3.3+ (older servers reject it). */
export type CompareOperator = '==' | '!=' | '<' | '>';
/** What of a key is compared: its value, or its version, create/mod revision or lease (numbers; `'lease'`: etcd 3.3+). */
export type CompareTarget = 'value' | 'version' | 'create' | 'mod' | 'lease';
type NumericTarget = Exclude<CompareTarget, 'value'>;

/** One comparison; made by `txn().if(…)` or `Cmp.*`, never without a target. */
export type TxnCompare =
  | {
      readonly target: 'value';
      readonly key: BytesInput;
      readonly operator: CompareOperator;
      readonly value: BytesInput;
    }
  | {
      readonly target: NumericTarget;
      readonly key: BytesInput;
      readonly operator: CompareOperator;
      readonly value: Int64Input;
    };

export interface GetOpOptions extends RangeOptions {
  limit?: Int64Input | undefined;
  revision?: Int64Input | undefined;
  keysOnly?: boolean | undefined;
  countOnly?: boolean | undefined;
}

export interface PutOpOptions {
  lease?: Int64Input | undefined;
  prevKv?: boolean | undefined;
}

export interface DeleteOpOptions extends RangeOptions {
  prevKv?: boolean | undefined;
}

/** One operation of a branch: exactly one kind. */
export type TxnOp =
  | { readonly type: 'get'; readonly key: BytesInput; readonly options?: GetOpOptions | undefined }
  | {
      readonly type: 'put';
      readonly key: BytesInput;
      readonly value: BytesInput;
      readonly options?: PutOpOptions | undefined;
    }
  | { readonly type: 'delete'; readonly key: BytesInput; readonly options?: DeleteOpOptions | undefined }
  | { readonly type: 'txn'; readonly txn: TxnSpec };

/** A nested transaction (etcd 3.3+): its comparisons and branches. */
export interface TxnSpec {
  readonly compares: readonly TxnCompare[];
  readonly then: readonly TxnOp[];
  readonly else: readonly TxnOp[];
}

/** Operations for `then(…)` / `else(…)`. */
export const Op = {
  get: (key: BytesInput, options?: GetOpOptions): TxnOp => ({ type: 'get', key, options }),
  put: (key: BytesInput, value: BytesInput, options?: PutOpOptions): TxnOp => ({ type: 'put', key, value, options }),
  delete: (key: BytesInput, options?: DeleteOpOptions): TxnOp => ({ type: 'delete', key, options }),
  /** A nested transaction: `Op.txn(t => t.if(…).then(…))` (etcd 3.3+). */
  txn: (build: (txn: TxnSpecBuilder) => TxnSpecBuilder): TxnOp => ({
    type: 'txn',
    txn: build(new TxnSpecBuilder()).spec(),
  }),
} as const;

/** Comparisons, for `if(…)` with a prepared list: `Cmp.value('k', '==', 'v')`, `Cmp.mod('k', '<', 5)`. */
export const Cmp = {
  value: (key: BytesInput, operator: CompareOperator, value: BytesInput): TxnCompare => ({
    target: 'value',
    key,
    operator,
    value,
  }),
  version: numericCompare('version'),
  create: numericCompare('create'),
  mod: numericCompare('mod'),
  lease: numericCompare('lease'),
} as const;

function numericCompare(target: NumericTarget) {
  return (key: BytesInput, operator: CompareOperator, value: Int64Input): TxnCompare => ({
    target,
    key,
    operator,
    value,
  });
}

/** What one operation answered, by its kind. */
export type TxnOpResult<KV> =
  | { readonly type: 'get'; readonly kvs: KV[]; readonly count: bigint; readonly more: boolean }
  | { readonly type: 'put'; readonly prevKv: KV | undefined }
  | { readonly type: 'delete'; readonly deleted: bigint; readonly prevKvs: KV[] }
  | { readonly type: 'txn'; readonly succeeded: boolean; readonly results: TxnOpResult<KV>[] };

export interface TxnResult<KV> {
  /** Whether every comparison held (the `then` branch ran) or not (`else` ran). */
  readonly succeeded: boolean;
  /** The store's revision after the transaction. */
  readonly revision: bigint;
  /** One result per operation of the branch that ran, in order. */
  readonly results: TxnOpResult<KV>[];
}

/** The comparisons and branches, without a client: for nested transactions. */
export class TxnSpecBuilder {
  protected readonly compares: TxnCompare[] = [];
  protected readonly thenOps: TxnOp[] = [];
  protected readonly elseOps: TxnOp[] = [];

  /** Adds a comparison; all must hold for `then` to run. */
  if(key: BytesInput, target: 'value', operator: CompareOperator, value: BytesInput): this;
  if(key: BytesInput, target: NumericTarget, operator: CompareOperator, value: Int64Input): this;
  /** Adds prepared comparisons (`Cmp.*`). */
  if(...compares: TxnCompare[]): this;
  if(...args: unknown[]): this {
    if (typeof args[1] === 'string' && args.length === 4) {
      const [key, target, operator, value] = args as [
        BytesInput,
        CompareTarget,
        CompareOperator,
        BytesInput & Int64Input,
      ];
      this.compares.push(checkCompare({ key, target, operator, value } as TxnCompare));
    } else {
      for (const compare of args) this.compares.push(checkCompare(compare as TxnCompare));
    }
    return this;
  }

  /** Operations that run when every comparison holds. */
  then(...ops: TxnOp[]): this {
    this.thenOps.push(...ops.map(checkOp));
    return this;
  }

  /** Operations that run otherwise. */
  else(...ops: TxnOp[]): this {
    this.elseOps.push(...ops.map(checkOp));
    return this;
  }

  spec(): TxnSpec {
    return { compares: [...this.compares], then: [...this.thenOps], else: [...this.elseOps] };
  }
}

/** `client.txn()`'s builder: `if`, `then`, `else`, then `commit()`. */
export class TxnBuilder<KV extends KeyValueShape> extends TxnSpecBuilder {
  constructor(private readonly api: KvHelperApi<KV>) {
    super();
  }

  /** Sends the transaction. */
  async commit(options?: CallOptions): Promise<TxnResult<KV>> {
    const response = await this.api.kv.txn(txnRequest(this.spec()), callOptions(options));
    const ops = response.succeeded ? this.thenOps : this.elseOps;
    return {
      succeeded: response.succeeded,
      revision: headerRevision(response.header),
      results: results(ops, response.responses),
    };
  }
}

/** `client.txn()`. */
export type Txn<KV> = () => TxnBuilder<KV & KeyValueShape>;

export function createTxn<KV extends KeyValueShape>(api: KvHelperApi<KV>): Txn<KV> {
  return () => new TxnBuilder<KV>(api);
}

// --- to the wire shapes of the generated service ------------------------------------------------------------------

const RESULTS: Readonly<Record<CompareOperator, string>> = {
  '==': 'EQUAL',
  '!=': 'NOT_EQUAL',
  '<': 'LESS',
  '>': 'GREATER',
};
const TARGETS: Readonly<Record<CompareTarget, { target: string; field: keyof CompareShape }>> = {
  value: { target: 'VALUE', field: 'value' },
  version: { target: 'VERSION', field: 'version' },
  create: { target: 'CREATE', field: 'createRevision' },
  mod: { target: 'MOD', field: 'modRevision' },
  lease: { target: 'LEASE', field: 'lease' },
};

function checkCompare(compare: TxnCompare): TxnCompare {
  if (typeof compare !== 'object' || compare === null || !(compare.target in TARGETS)) {
    throw new TypeError(
      `txn: a comparison needs a target (${Object.keys(TARGETS).join(', ')}), got ${JSON.stringify(compare)}`,
    );
  }
  if (!(compare.operator in RESULTS)) {
    throw new TypeError(`txn: comparison operator ${JSON.stringify(compare.operator)} is not one of ==, !=, <, >`);
  }
  return compare;
}

function checkOp(op: TxnOp): TxnOp {
  if (typeof op !== 'object' || op === null || !['get', 'put', 'delete', 'txn'].includes(op.type)) {
    throw new TypeError('txn: an operation must be made by Op.get, Op.put, Op.delete or Op.txn');
  }
  return op;
}

function compareShape(compare: TxnCompare): CompareShape {
  const { target, field } = TARGETS[compare.target];
  return { key: compare.key, target, result: RESULTS[compare.operator], [field]: compare.value };
}

function rangeEnd(key: BytesInput, options: RangeOptions): { rangeEnd?: BytesInput } {
  const end = rangeEndOf('txn', key, options);
  return end === undefined ? {} : { rangeEnd: end };
}

function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;
}

function requestOp(op: TxnOp): RequestOpShape {
  switch (op.type) {
    case 'get': {
      const o = op.options ?? {};
      const fields = { limit: o.limit, revision: o.revision, keysOnly: o.keysOnly, countOnly: o.countOnly };
      return { requestRange: defined({ key: op.key, ...rangeEnd(op.key, o), ...fields }) };
    }
    case 'put': {
      const o = op.options ?? {};
      return { requestPut: defined({ key: op.key, value: op.value, lease: o.lease, prevKv: o.prevKv }) };
    }
    case 'delete': {
      const o = op.options ?? {};
      return { requestDeleteRange: defined({ key: op.key, ...rangeEnd(op.key, o), prevKv: o.prevKv }) };
    }
    case 'txn':
      return { requestTxn: txnRequest(op.txn) };
  }
}

function txnRequest(spec: TxnSpec): TxnRequestShape {
  return {
    compare: spec.compares.map(compareShape),
    success: spec.then.map(requestOp),
    failure: spec.else.map(requestOp),
  };
}

function results<KV>(ops: readonly TxnOp[], responses: readonly ResponseOpShape<KV>[]): TxnOpResult<KV>[] {
  return ops.map((op, i): TxnOpResult<KV> => {
    const response = responses[i] ?? {};
    switch (op.type) {
      case 'get': {
        const r = response.responseRange;
        return { type: 'get', kvs: r?.kvs ?? [], count: BigInt(r?.count ?? 0), more: r?.more ?? false };
      }
      case 'put':
        return { type: 'put', prevKv: response.responsePut?.prevKv };
      case 'delete': {
        const r = response.responseDeleteRange;
        return { type: 'delete', deleted: BigInt(r?.deleted ?? 0), prevKvs: r?.prevKvs ?? [] };
      }
      case 'txn': {
        const r = response.responseTxn;
        const succeeded = r?.succeeded ?? false;
        return { type: 'txn', succeeded, results: results(succeeded ? op.txn.then : op.txn.else, r?.responses ?? []) };
      }
    }
  });
}
