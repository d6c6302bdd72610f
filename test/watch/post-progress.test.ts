// post-progress.ts finds, from read-only Txns at fixed revisions, the last revision with an event in a resumed
// POST watch's gap; what it asks and how it reads the answers is checked here, the answers of real servers by
// test/signals/watch-signals.test.ts on every server (and by the robustness runs' bookmarkable check).
import { describe, expect, it } from 'vitest';
import { lastChange } from '../../templates/runtime/watch/post-progress.js';

type Json = Record<string, unknown>;

/** A store history for the range: per revision, the number of keys and whether a key was put at it. */
function store(history: Record<number, { count: number; put?: boolean }>): { readTxn: (body: Json) => Promise<Json>; txns: Json[][] } {
  const txns: Json[][] = [];
  return {
    txns,
    readTxn: async (body) => {
      const ops = body['success'] as { request_range: Json }[];
      txns.push(ops.map((op) => op.request_range));
      const responses = ops.map(({ request_range: r }) => {
        const at = history[Number(r['revision'])] ?? { count: 0 };
        if (r['count_only']) return { response_range: at.count === 0 ? {} : { count: String(at.count) } }; // 0 omitted
        return { response_range: at.put ? { kvs: [{ key: 'cDE=' }], count: '1' } : {} };
      });
      return { responses };
    },
  };
}

const create = { key: 'cA==', range_end: 'cQ==' };
const signal = new AbortController().signal;
const quiet = { 4: { count: 2 }, 5: { count: 2 }, 6: { count: 2 }, 7: { count: 2 } };

describe('lastChange', () => {
  it('is 0 at once, without a Txn, when the watch resumed past the created revision', async () => {
    const s = store({});
    expect(await lastChange(s, { create, start: 8n, created: 7n }, signal)).toBe(0n);
    expect(s.txns).toEqual([]);
  });

  it('reads the count before the gap, and the count and a key put at each revision of it', async () => {
    const s = store(quiet);
    expect(await lastChange(s, { create, start: 5n, created: 7n }, signal)).toBe(0n);
    expect(s.txns).toEqual([
      [
        { ...create, revision: '4', count_only: true },
        ...[5, 6, 7].flatMap((r) => [
          { ...create, revision: String(r), count_only: true },
          { ...create, revision: String(r), keys_only: true, min_mod_revision: String(r), max_mod_revision: String(r), limit: '1' },
        ]),
      ],
    ]);
  });

  it.each([
    ['a put', { ...quiet, 6: { count: 2, put: true } }, 6n],
    ['a delete', { ...quiet, 7: { count: 1 } }, 7n],
    ['a key created and deleted again inside the gap', { ...quiet, 5: { count: 3, put: true }, 6: { count: 2 } }, 6n],
    ['a delete and a put at one revision (a txn)', { ...quiet, 6: { count: 2, put: true } }, 6n],
  ])('finds %s', async (_, history, want) => {
    expect(await lastChange(store(history), { create, start: 5n, created: 7n }, signal)).toBe(want);
  });

  it('compares with an empty store when the watch started at revision 1', async () => {
    const s = store({ 1: { count: 0 }, 2: { count: 1, put: true }, 3: { count: 1 } });
    expect(await lastChange(s, { create, start: 1n, created: 3n }, signal)).toBe(2n);
    expect(s.txns[0]).toHaveLength(6);
  });

  it('splits long gaps into Txns of 64 reads, and leaves gaps over 256 revisions unscanned', async () => {
    const s = store({});
    expect(await lastChange(s, { create, start: 10n, created: 49n }, signal)).toBe(0n);
    expect(s.txns.map((t) => t.length)).toEqual([64, 17]);
    const far = store({});
    expect(await lastChange(far, { create, start: 10n, created: 266n }, signal)).toBeUndefined();
    expect(far.txns).toEqual([]);
  });
});
