// The robustness checker on hand-made histories: a linearizable one passes, and each kind of broken history is
// caught, so a clean robustness run means something.
import { describe, expect, it } from 'vitest';
import { checkHistory } from './checks/index.js';
import type { EpisodeHistory, KvOperation, LockHold, ReferenceEvent, WatchRecord, WatchedEvent } from './history.js';

/** Reference events for puts of `key=value`, one revision each from 2. */
function persisted(...puts: [string, string][]): ReferenceEvent[] {
  const versions = new Map<string, { create: number; version: number }>();
  return puts.map(([key, value], i) => {
    const mod = i + 2;
    const v = versions.get(key) ?? { create: mod, version: 0 };
    v.version++;
    versions.set(key, v);
    return { type: 'PUT', key, value, mod, create: v.create, version: v.version, lease: '0' };
  });
}

let nextId = 0;
function put(key: string, value: string, call: number, ret: number, revision?: number): KvOperation {
  return revision === undefined
    ? { id: nextId++, client: 'c', input: { kind: 'put', key, value }, call, ret, error: 'timeout', outcome: 'ambiguous' }
    : { id: nextId++, client: 'c', input: { kind: 'put', key, value }, call, ret, output: { revision }, outcome: 'ok' };
}

function get(key: string, call: number, ret: number, revision: number, value?: [string, number, number, number]): KvOperation {
  const kvs = value === undefined ? [] : [{ key, value: value[0], mod: value[1], create: value[2], version: value[3] }];
  return { id: nextId++, client: 'r', input: { kind: 'get', key }, call, ret, output: { revision, kvs }, outcome: 'ok' };
}

function history(parts: Partial<EpisodeHistory> & { reference: ReferenceEvent[] }): EpisodeHistory {
  return {
    operations: [],
    watches: [],
    locks: [],
    mirrors: [],
    referenceUpTo: Math.max(1, ...parts.reference.map((e) => e.mod)),
    compactedTo: 0,
    kvPrefix: 'kv/',
    ...parts,
  };
}

function watch(events: [string, string, number][]): WatchRecord {
  const recorded: WatchedEvent[] = events.map(([key, value, mod], i) => ({ type: 'PUT', key, value, mod, at: i }));
  return { id: 'w', client: 'w', transport: 'websocket', prefix: 'kv/', prevKv: false, startRevision: 2, events: recorded, progress: [], resumes: 0 };
}

const kinds = (h: EpisodeHistory): string[] => checkHistory(h).violations.map((v) => v.kind);

const reference = persisted(['kv/a', 'v1'], ['kv/a', 'v2']);

describe('robustness checker', () => {
  it('passes a linearizable history: concurrent read and write, an ambiguous write resolved by the reference', () => {
    const h = history({
      reference,
      operations: [
        put('kv/a', 'v1', 0, 10, 2),
        get('kv/a', 11, 20, 2, ['v1', 2, 2, 1]),
        put('kv/a', 'v2', 15, 40), // failed, but the members persisted it at 3
        get('kv/a', 50, 60, 3, ['v2', 3, 2, 2]),
      ],
      watches: [watch([['kv/a', 'v1', 2], ['kv/a', 'v2', 3]])],
      locks: [
        { client: 'l0', enter: 0, exit: 10, fence: 4 },
        { client: 'l1', enter: 11, exit: 20, fence: 6 },
      ],
    });
    const result = checkHistory(h);
    expect(result.violations).toEqual([]);
    expect(result.stats).toMatchObject({ linearizability: 'ok', ambiguousApplied: 1, eventsChecked: 2 });
  });

  it('catches a stale read: a read after a write returned shows the value before it', () => {
    const h = history({
      reference,
      operations: [put('kv/a', 'v1', 0, 10, 2), put('kv/a', 'v2', 20, 30, 3), get('kv/a', 40, 50, 2, ['v1', 2, 2, 1])],
    });
    expect(kinds(h)).toEqual(['linearizability']);
  });

  it('catches a lost write: acknowledged at a revision the members never persisted', () => {
    const h = history({
      reference: persisted(['kv/a', 'v1']),
      operations: [put('kv/a', 'v1', 0, 10, 2), put('kv/a', 'v2', 20, 30, 3), get('kv/a', 40, 50, 2, ['v1', 2, 2, 1])],
    });
    expect(kinds(h)).toEqual(['linearizability']);
  });

  it('catches a watch event delivered twice', () => {
    const h = history({ reference, watches: [watch([['kv/a', 'v1', 2], ['kv/a', 'v1', 2], ['kv/a', 'v2', 3]])] });
    expect(kinds(h)).toContain('watch-unique');
  });

  it('catches watch events out of order', () => {
    const h = history({ reference, watches: [watch([['kv/a', 'v2', 3], ['kv/a', 'v1', 2]])] });
    expect(kinds(h)).toContain('watch-ordered');
  });

  it('catches a watch that skipped an event', () => {
    const h = history({ reference: persisted(['kv/a', 'v1'], ['kv/b', 'x'], ['kv/a', 'v2']), watches: [watch([['kv/a', 'v1', 2], ['kv/a', 'v2', 4]])] });
    expect(kinds(h)).toEqual(['watch-reliable']);
  });

  it('catches an event at or below a progress revision that came before it', () => {
    const w = watch([['kv/a', 'v1', 2], ['kv/a', 'v2', 3]]);
    w.progress.push({ revision: 3, afterEvents: 1, at: 0 });
    expect(kinds(history({ reference, watches: [w] }))).toEqual(['watch-bookmarkable']);
  });

  it('catches overlapping lock holders and a fencing revision that goes back', () => {
    const locks: LockHold[] = [
      { client: 'l0', enter: 0, exit: 10, fence: 6 },
      { client: 'l1', enter: 5, exit: 12, fence: 4 },
    ];
    expect(kinds(history({ reference, locks }))).toEqual(['lock-overlap', 'lock-fencing']);
  });

  it('catches a value applied at two revisions, and a bank that lost money', () => {
    const h = history({
      reference: [...persisted(['kv/a', 'v1'], ['kv/a', 'v1']), { type: 'PUT', key: 'bank/0', value: '90', mod: 4, create: 4, version: 1, lease: '0' }],
      operations: [put('kv/a', 'v1', 0, 10, 2)],
      bank: { prefix: 'bank/', total: 100, finalTotal: 90 },
    });
    expect(kinds(h)).toEqual(expect.arrayContaining(['duplicate-value', 'bank-total']));
  });
});
