/** The reference history replayed: the store's keys under a prefix at any revision, and where each value landed. */
import type { Kv, ReferenceEvent } from '../history.js';

export interface Replay {
  /** Revisions, ascending, at which a key under the prefix changed. */
  readonly revisions: readonly number[];
  /** The prefix's keys at `revision`. */
  stateAt(revision: number): ReadonlyMap<string, Kv>;
  /** The reference's events at `revision` under the prefix, in the order the member persisted them. */
  eventsAt(revision: number): readonly ReferenceEvent[];
  /** The revisions a value was put at, under the prefix (values are unique, so more than one is a finding). */
  revisionsOf(value: string): readonly number[];
}

export function createReplay(reference: readonly ReferenceEvent[], prefix: string): Replay {
  const mine = reference.filter((e) => e.key.startsWith(prefix));
  const byRevision = new Map<number, ReferenceEvent[]>();
  for (const e of mine) {
    let list = byRevision.get(e.mod);
    if (list === undefined) byRevision.set(e.mod, (list = []));
    list.push(e);
  }
  const revisions = [...byRevision.keys()].sort((a, b) => a - b);
  const states: ReadonlyMap<string, Kv>[] = [];
  let current = new Map<string, Kv>();
  const values = new Map<string, number[]>();
  for (const rev of revisions) {
    current = new Map(current);
    for (const e of byRevision.get(rev)!) {
      if (e.type === 'DELETE') current.delete(e.key);
      else {
        current.set(e.key, { key: e.key, value: e.value, mod: e.mod, create: e.create, version: e.version, lease: e.lease });
        const at = values.get(e.value) ?? [];
        if (!at.includes(rev)) at.push(rev);
        values.set(e.value, at);
      }
    }
    states.push(current);
  }
  const EMPTY = new Map<string, Kv>();
  return {
    revisions,
    stateAt(revision) {
      let lo = 0;
      let hi = revisions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (revisions[mid]! <= revision) lo = mid + 1;
        else hi = mid;
      }
      return lo === 0 ? EMPTY : states[lo - 1]!;
    },
    eventsAt: (revision) => byRevision.get(revision) ?? [],
    revisionsOf: (value) => values.get(value) ?? [],
  };
}

/** The keys of `state` that `key` (exactly) or `prefix` selects, in key order. */
export function select(state: ReadonlyMap<string, Kv>, selector: { key: string } | { prefix: string }): Kv[] {
  const kvs = 'key' in selector ? [state.get(selector.key)].filter((kv): kv is Kv => kv !== undefined) : [...state.values()].filter((kv) => kv.key.startsWith(selector.prefix));
  return kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
