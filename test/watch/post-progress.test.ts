// post-progress.ts decides from a Txn's answer whether a resumed POST's progress is proved; what the Txn asks is
// checked here, and the answers on real servers by test/signals/watch-signals.test.ts on every server.
import { describe, expect, it } from 'vitest';
import { proveProgress } from '../../templates/runtime/watch/post-progress.js';

type Txn = Record<string, unknown>;

function hub(answer: (body: Txn) => Txn): { readTxn: (body: Txn) => Promise<Txn>; bodies: Txn[] } {
  const bodies: Txn[] = [];
  return {
    bodies,
    readTxn: async (body) => {
      bodies.push(body);
      return answer(body);
    },
  };
}

const create = { key: 'cA==', range_end: 'cQ==' };
const ranges = (...rs: Txn[]): Txn => ({ responses: rs.map((r) => ({ response_range: r })) });
const signal = new AbortController().signal;

describe('proveProgress', () => {
  it('proves at once, without a Txn, when the watch resumed past the created revision', async () => {
    const h = hub(() => ({}));
    expect(await proveProgress(h, { create, start: 8n, created: 7n }, signal)).toBe(true);
    expect(h.bodies).toEqual([]);
  });

  it('asks for keys changed since the start at the created revision, and the counts at both ends', async () => {
    const h = hub(() => ranges({}, { count: '2' }, { count: '2' }));
    expect(await proveProgress(h, { create, start: 5n, created: 9n }, signal)).toBe(true);
    expect(h.bodies).toEqual([
      {
        success: [
          { request_range: { ...create, revision: '9', keys_only: true, min_mod_revision: '5', limit: '1' } },
          { request_range: { ...create, revision: '9', count_only: true } },
          { request_range: { ...create, revision: '4', count_only: true } },
        ],
      },
    ]);
  });

  it.each([
    ['a key put since the start', ranges({ kvs: [{ key: 'cDE=' }] }, { count: '2' }, { count: '2' })],
    ['a key deleted since the start', ranges({}, { count: '1' }, { count: '2' })],
    ['a key created since the start (counts differ)', ranges({}, { count: '3' }, { count: '2' })],
  ])('waits for the replay after %s', async (_, answer) => {
    expect(await proveProgress(hub(() => answer), { create, start: 5n, created: 9n }, signal)).toBe(false);
  });

  it('compares with an empty store when the watch started at revision 1', async () => {
    const h = hub(() => ranges({}, {}));
    expect(await proveProgress(h, { create, start: 1n, created: 3n }, signal)).toBe(true);
    expect((h.bodies[0]?.['success'] as unknown[]).length).toBe(2);
  });
});
