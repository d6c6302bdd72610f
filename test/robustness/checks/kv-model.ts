/**
 * etcd's key-value store as a model with revisions, for the linearizability search. The state is the KV traffic's
 * keys and the revision of the last write to them. Other writers (the bank, the locks, the set-up) also move the
 * store's revision; the reference watchers say which revisions touched the modelled keys (`kvRevisions`), so a
 * write answered with revision R is legal only if R is the next such revision after the state's, and a read
 * answered at R only if no such revision lies between the state's and R.
 */
import type { Kv, KvInput, KvOutput, TxnOp } from '../history.js';
import type { Model } from './linearize.js';

export interface KvState {
  readonly rev: number;
  readonly kvs: ReadonlyMap<string, Kv>;
  readonly hash: string;
}

/** The revisions, ascending, at which the modelled keys changed (from the reference watchers). */
export function createKvModel(kvRevisions: readonly number[], initialRevision = 1): Model<KvState, KvInput, KvOutput> {
  const nextRevision = (rev: number): number | undefined => {
    let lo = 0;
    let hi = kvRevisions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kvRevisions[mid]! <= rev) lo = mid + 1;
      else hi = mid;
    }
    return kvRevisions[lo];
  };
  /** The store, read at `revision`, shows `state`'s keys. */
  const readsAt = (state: KvState, revision: number): boolean => {
    if (revision < state.rev) return false;
    const next = nextRevision(state.rev);
    return next === undefined || revision < next;
  };
  return {
    init: [makeState(initialRevision, new Map())],
    hash: (s) => s.hash,
    step(state, input, output) {
      switch (input.kind) {
        case 'get':
        case 'range': {
          if (output === undefined) return [state];
          const want = input.kind === 'get' ? selectKey(state, input.key) : selectPrefix(state, input.prefix);
          return readsAt(state, output.revision) && sameKvs(want, output.kvs ?? []) ? [state] : [];
        }
        case 'iterate':
        case 'grant':
          return [state];
        case 'put':
          return write(state, output, [{ type: 'put', key: input.key, value: input.value }], input.lease);
        case 'delete': {
          const exists = state.kvs.has(input.key);
          if (output !== undefined && output.deleted !== undefined && output.deleted !== (exists ? 1 : 0)) return [];
          return write(state, output, [{ type: 'delete', key: input.key }]);
        }
        case 'txn': {
          const holds = input.compares.every((c) => {
            const kv = state.kvs.get(c.key);
            return c.target === 'mod' ? (kv?.mod ?? 0) === c.equals : kv?.value === c.equals;
          });
          if (output?.succeeded !== undefined && output.succeeded !== holds) return [];
          return write(state, output, holds ? input.then : input.else);
        }
        case 'revoke': {
          const keys = [...state.kvs.values()].filter((kv) => kv.lease === input.lease).map((kv) => kv.key);
          return write(state, output, keys.map((key) => ({ type: 'delete', key })));
        }
      }
    },
  };

  /** Apply `ops` as one revision; with no answer, also the state where nothing was applied. */
  function write(state: KvState, output: KvOutput | undefined, ops: readonly TxnOp[], lease?: string): KvState[] {
    const changes = ops.filter((op) => op.type === 'put' || state.kvs.has(op.key));
    if (changes.length === 0) {
      return output === undefined || readsAt(state, output.revision) ? [state] : [];
    }
    const next = nextRevision(state.rev);
    const applied = next === undefined ? undefined : apply(state, next, changes, lease);
    if (output === undefined) return applied === undefined ? [state] : [state, applied];
    return applied !== undefined && output.revision === next ? [applied] : [];
  }
}

function apply(state: KvState, rev: number, ops: readonly TxnOp[], lease: string | undefined): KvState {
  const kvs = new Map(state.kvs);
  for (const op of ops) {
    if (op.type === 'delete') {
      kvs.delete(op.key);
      continue;
    }
    const old = kvs.get(op.key);
    kvs.set(op.key, {
      key: op.key,
      value: op.value,
      mod: rev,
      create: old?.create ?? rev,
      version: (old?.version ?? 0) + 1,
      lease: lease ?? '0',
    });
  }
  return makeState(rev, kvs);
}

export function makeState(rev: number, kvs: ReadonlyMap<string, Kv>): KvState {
  const parts = [...kvs.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((kv) => `${kv.key}=${kv.value}@${kv.mod}/${kv.create}/${kv.version}/${kv.lease ?? '0'}`);
  return { rev, kvs, hash: `${rev}|${parts.join(',')}` };
}

function selectKey(state: KvState, key: string): Kv[] {
  const kv = state.kvs.get(key);
  return kv === undefined ? [] : [kv];
}

function selectPrefix(state: KvState, prefix: string): Kv[] {
  return [...state.kvs.values()]
    .filter((kv) => kv.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Same keys in the same order, with the same value, revisions and version. */
export function sameKvs(want: readonly Kv[], got: readonly Kv[]): boolean {
  return (
    want.length === got.length &&
    want.every((w, i) => {
      const g = got[i]!;
      return w.key === g.key && w.value === g.value && w.mod === g.mod && w.create === g.create && w.version === g.version;
    })
  );
}
