// The fake's multi-version key-value store, as etcd's mvcc keeps it: one revision per write request (a txn's
// writes share it), each key's create and mod revision and version, reads at any revision since the last
// compaction, and the events of every revision for watches starting in the past.
import { ETCD_ERRORS } from './failure.js';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly create: number;
  readonly mod: number;
  readonly version: number;
  readonly lease: bigint;
}

export interface StoreEvent {
  readonly type: 'PUT' | 'DELETE';
  /** For a DELETE: the key with mod = the deleting revision and nothing else. */
  readonly kv: KeyValue;
  readonly prev: KeyValue | undefined;
}

/** The writes of one revision, in order. */
export interface Revision {
  readonly rev: number;
  readonly events: readonly StoreEvent[];
}

/** A key's history: each entry the key from revision `rev` on (undefined: deleted). */
type History = { rev: number; kv: KeyValue | undefined }[];

export class Store {
  revision = 1;
  compacted = 0;
  /** What the writes so far take in etcd's backend, roughly (keys, values, 64 bytes each): it only grows, as the
   *  database file does until a defragmentation. */
  bytes = 0;
  private readonly keys = new Map<string, History>();
  /** Every key with a history, in byte order (kept sorted on insert: ranges find their start by bisection). */
  private readonly sorted: string[] = [];
  private readonly log: Revision[] = [];
  private readonly listeners = new Set<(revision: Revision) => void>();

  /** The key at `rev` (default: now). */
  get(key: string, rev = this.revision): KeyValue | undefined {
    const history = this.keys.get(key);
    if (!history) return undefined;
    for (let i = history.length - 1; i >= 0; i--) if (history[i]!.rev <= rev) return history[i]!.kv;
    return undefined;
  }

  /** Keys in [key, end) at `rev`, in key order: `end` '' is the key alone, '\0' everything from `key` on. */
  range(key: string, end: string, rev = this.revision): KeyValue[] {
    if (end === '') {
      const kv = this.get(key, rev);
      return kv ? [kv] : [];
    }
    const out: KeyValue[] = [];
    for (let i = this.lowerBound(key); i < this.sorted.length; i++) {
      const k = this.sorted[i]!;
      if (end !== '\0' && k >= end) break;
      const kv = this.get(k, rev);
      if (kv) out.push(kv);
    }
    return out;
  }

  /** Throws etcd's OUT_OF_RANGE answers for a revision below the compaction or above the store. */
  checkRevision(rev: number): void {
    if (rev > this.revision) throw ETCD_ERRORS.futureRev();
    if (rev > 0 && rev < this.compacted) throw ETCD_ERRORS.compacted();
  }

  /** A write request: `apply` puts and deletes through the batch; one new revision when anything changed. */
  write<T>(apply: (batch: Batch) => T): T {
    const batch = new Batch(this, this.revision + 1);
    const result = apply(batch);
    if (batch.events.length > 0) {
      this.revision++;
      const revision = { rev: this.revision, events: batch.events };
      this.log.push(revision);
      for (const listener of [...this.listeners]) listener(revision);
    }
    return result;
  }

  /** @internal the batch's write of one key. */
  record(key: string, rev: number, kv: KeyValue | undefined): void {
    let history = this.keys.get(key);
    if (!history) {
      history = [];
      this.keys.set(key, history);
      this.sorted.splice(this.lowerBound(key), 0, key);
    }
    this.bytes += key.length + (kv?.value.length ?? 0) + 64;
    const last = history[history.length - 1];
    if (last && last.rev === rev) last.kv = kv;
    else history.push({ rev, kv });
  }

  compact(rev: number): void {
    if (rev > this.revision) throw ETCD_ERRORS.futureRev();
    if (rev <= this.compacted) throw ETCD_ERRORS.compacted();
    this.compacted = rev;
    for (const [key, history] of this.keys) {
      let keep = 0;
      for (let i = 0; i < history.length; i++) if (history[i]!.rev <= rev) keep = i;
      history.splice(0, keep);
      if (history.length === 1 && history[0]!.kv === undefined && history[0]!.rev <= rev) {
        this.keys.delete(key);
        this.sorted.splice(this.lowerBound(key), 1);
      }
    }
    while (this.log.length > 0 && this.log[0]!.rev < rev) this.log.shift();
  }

  /** The revisions from `rev` on, still in the log (rev > compacted). */
  since(rev: number): Revision[] {
    const { log } = this;
    // The log is in revision order, and a new watch most often starts after its end: bisect, not a scan.
    let [lo, hi] = [0, log.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (log[mid]!.rev < rev) lo = mid + 1;
      else hi = mid;
    }
    return log.slice(lo);
  }

  /** Told every new revision; returns the unsubscribe. */
  subscribe(listener: (revision: Revision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The index of the first key ≥ `key`. */
  private lowerBound(key: string): number {
    let [lo, hi] = [0, this.sorted.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The writes of one request, all at revision `rev`; reads through it see its own earlier writes. */
export class Batch {
  readonly events: StoreEvent[] = [];
  constructor(
    readonly store: Store,
    readonly rev: number,
  ) {}

  put(key: string, value: string, lease: bigint): { prev: KeyValue | undefined } {
    const prev = this.store.get(key, this.rev);
    const kv: KeyValue = {
      key,
      value,
      lease,
      mod: this.rev,
      create: prev ? prev.create : this.rev,
      version: prev ? prev.version + 1 : 1,
    };
    this.store.record(key, this.rev, kv);
    this.events.push({ type: 'PUT', kv, prev });
    return { prev };
  }

  delete(key: string, end: string): KeyValue[] {
    const gone = this.store.range(key, end, this.rev);
    for (const prev of gone) {
      this.store.record(prev.key, this.rev, undefined);
      this.events.push({
        type: 'DELETE',
        kv: { key: prev.key, value: '', lease: 0n, create: 0, mod: this.rev, version: 0 },
        prev,
      });
    }
    return gone;
  }
}
